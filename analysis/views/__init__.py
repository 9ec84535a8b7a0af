"""What a report page shows: the chart theme and builders, the offline Vega renderer, prose and tables."""
