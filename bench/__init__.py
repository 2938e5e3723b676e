"""`make bench`: the app served the production way against synthetic banks of 10k to 1M."""
