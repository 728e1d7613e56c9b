"""The test suite; `python3 bootstrap.py test` runs every folder, markers select the slow ones."""
