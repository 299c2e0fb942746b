"""The rules an application must satisfy, pure functions over models and input: the call's own
form fields, the budget table with the 2021 indirect-cost caps, and submission (the lifecycle's
guard on `submit`). Services, selectors and the lifecycle read them; they import none of those."""
