"""Courier adapters (Pathao, Steadfast, RedX) behind one Protocol, their statuses and their webhooks."""
