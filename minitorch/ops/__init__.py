"""The differentiable ops, grouped by kind. Each op is a Function: forward and backward side by side."""
