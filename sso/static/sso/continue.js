// Submits the IdP's answer to Etappe's own site at once (sso/saml.py explains why); the button
// does the same without JavaScript.
document.getElementById("sso-continue").submit();
