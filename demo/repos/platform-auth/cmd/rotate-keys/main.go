package main

// One-off admin task: rotate the signing keys.
func main() {}
