"""The life of a review: stages and their transitions, key dates, suspension and timescales."""
