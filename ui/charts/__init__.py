"""Chart builders: functions that take analytics frames and return plotly Figures.

One colour language on every page (`ui.charts.theme`): pain and soreness on one sequential
scale where darker is worse; left and right always the same two colours; flags always the
same red and amber. Builders are testable without a running app.
"""
