//go:build race

package leakcheck

// raceDetector: the test binary was built with -race.
const raceDetector = true
