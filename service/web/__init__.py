"""Web pages for workers, reps and colleges (GOV.UK Design System), served from the same services
as the API, signed in by emailed link."""
