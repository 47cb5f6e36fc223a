from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from ideas.models import Idea
from prioritisation.models import PriorityRound, Score


class BenchmarkCommandTests(TestCase):
    """Only that the command runs and cleans up; timings are never asserted in tests."""

    def test_it_measures_in_memory_and_in_the_database_and_rolls_back(self) -> None:
        out = StringIO()
        call_command("benchmark_ranking", candidates=6, criteria=5, assessors=3, runs=2, database=True, stdout=out)
        report = out.getvalue()
        for measurement in ("ranking 6 × 5 × 3", "what-if recompute", "ranking from the database", "what-if partial"):
            self.assertIn(measurement, report)
        self.assertIn("rolled back", report)
        self.assertFalse(PriorityRound.objects.exists())
        self.assertFalse(Score.objects.exists())
        self.assertFalse(Idea.objects.exists())
