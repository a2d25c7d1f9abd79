"""The domain: programmes, review sessions, question banks, answers and scoring."""
