"""Many reports of one case side by side: grouping, comparison, standard rating, deadlines."""
