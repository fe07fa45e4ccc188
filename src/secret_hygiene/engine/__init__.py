"""The matching engine: rule packs, the prefilter, the scanner and the filters that judge a match."""
