class English:
    """The tests read the English texts (the German ones are checked by core's translation tests)."""

    def setUp(self) -> None:
        super().setUp()  # type: ignore[misc]
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # type: ignore[attr-defined]
