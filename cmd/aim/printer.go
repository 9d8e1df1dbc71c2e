package main

import (
	"io"

	"github.com/aim-oscar/aim/internal/client"
)

// writeJSON writes v as one line of JSON (client.JSON).
func writeJSON(w io.Writer, v any) error {
	b, err := client.JSON(v)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}
