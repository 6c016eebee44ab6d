"""Benchmarks: synthetic listings of any size, and the scale and search benchmarks."""
