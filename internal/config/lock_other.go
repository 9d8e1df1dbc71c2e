//go:build !unix && !windows

package config

import (
	"errors"
	"io/fs"
	"os"
)

func tryLock(*os.File) error { return errors.New("file locking is not supported on this system") }

func unlockFile(*os.File) error { return nil }

// ownedByMe reports whether fi is a file of this process's user; this
// system keeps no owner in FileInfo.
func ownedByMe(fs.FileInfo) bool { return true }
