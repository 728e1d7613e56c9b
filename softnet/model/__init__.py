"""Stage 4: the SOFTNet network, its leave-one-subject-out folds, training and scoring."""
