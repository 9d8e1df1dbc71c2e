//go:build !unix && !windows

package config

import (
	"errors"
	"os"
)

func tryLock(*os.File) error { return errors.New("file locking is not supported on this system") }

func unlockFile(*os.File) error { return nil }
