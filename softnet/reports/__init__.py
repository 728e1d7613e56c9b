"""What a user opens: the paper-shaped table, figures and the p sweep."""
