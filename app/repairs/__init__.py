"""Repair requests (报修): from the front desk or a resident's QR scan to a corrective job."""
