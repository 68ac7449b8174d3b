"""Small tables an analyst would bring, generated (the suite ships no data): an HR attrition table whose outcome and
top driver are Yes/No text columns, and a delivery-time table whose outcome is a number. Both are deterministic, so a
test can rely on which column drives which outcome.

The HR table echoes the well-known IBM attrition sample's shape (an employee number, Yes/No `OverTime`, a
`Department`, `MonthlyIncome`, `Attrition` last); the delivery table has many numeric `item_<n>` count columns beside
the outcome, the kind of table where a naive target guess picks a count column."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HR_TARGET = "Attrition"
DELIVERY_TARGET = "delivery_minutes"


def hr_attrition(rows: int = 600, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    overtime = rng.random(rows) < 0.3
    satisfaction = rng.integers(1, 5, rows)
    years = rng.integers(0, 25, rows)
    income = np.round(rng.lognormal(8.6, 0.45, rows), -1)
    department = rng.choice(["Sales", "Research & Development", "Human Resources"], rows, p=[0.3, 0.6, 0.1])
    # Overtime is the strongest driver, then satisfaction, tenure and pay: what a reader of the importances expects.
    logit = -2.2 + 2.4 * overtime - 0.45 * (satisfaction - 2.5) - 0.08 * years - 0.5 * np.log(income / 5500)
    leaves = rng.random(rows) < 1 / (1 + np.exp(-logit))
    return pd.DataFrame(
        {
            "EmployeeNumber": np.arange(1001, 1001 + rows),
            "Age": rng.integers(19, 60, rows),
            "Department": department,
            "MaritalStatus": rng.choice(["Single", "Married", "Divorced"], rows),
            "DistanceFromHome": rng.integers(1, 30, rows),
            "JobSatisfaction": satisfaction,
            "MonthlyIncome": income,
            "OverTime": np.where(overtime, "Yes", "No"),
            "YearsAtCompany": years,
            HR_TARGET: np.where(leaves, "Yes", "No"),
        }
    )


def delivery_times(rows: int = 500, seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    distance = np.round(rng.gamma(2.0, 2.5, rows), 2)
    weather = rng.choice(["sunny", "rain", "snow"], rows, p=[0.6, 0.3, 0.1])
    vehicle = rng.choice(["bike", "scooter", "car"], rows)
    items = {f"item_{n}": rng.poisson(0.6, rows) for n in range(20, 30)}
    n_items = sum(items.values())
    slow = {"sunny": 0.0, "rain": 6.0, "snow": 14.0}
    speed = {"bike": 1.3, "scooter": 1.0, "car": 0.8}
    minutes = (
        8
        + 3.2 * distance * np.vectorize(speed.get)(vehicle)
        + np.vectorize(slow.get)(weather)
        + 0.9 * n_items
        + rng.normal(0, 3, rows)
    )
    return pd.DataFrame(
        {
            "order_id": [f"ORD-{n:05d}" for n in range(rows)],
            "distance_km": distance,
            "weather": weather,
            "vehicle": vehicle,
            "hour": rng.integers(10, 23, rows),
            **items,
            DELIVERY_TARGET: np.round(minutes, 1),
        }
    )


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_csv(path, index=False)
    return path
