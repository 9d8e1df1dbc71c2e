//go:build race

package main

// raceDetector: the race detector multiplies each test's CPU (TestMain
// keeps go test's default parallelism then).
const raceDetector = true
