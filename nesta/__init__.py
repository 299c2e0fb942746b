"""东北振兴科技行动平台 — the platform of the Northeast Revitalization S&T Action."""
