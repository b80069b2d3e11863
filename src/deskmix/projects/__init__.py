"""Project work beside tickets: the portfolio file, the schedule on reserved hours, KPIs."""
