// Package layers holds no code: its test is the table of which internal
// package may import which, checked with go list on every make test. A new
// import between aim's packages fails the test until it is added to the
// table (imports_test.go), which is where a reviewer sees the layering
// change. docs/architecture.md explains the layers.
package layers
