"""Mid-life career reviews: reps' slots, bookings, the waiting list by priority, outcomes."""
