//go:build unix

package queue

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// errStoreInUse: another process holds the SQLite store's lock.
var errStoreInUse = errors.New("another process (a second `app serve` or `app migrate`) is using this SQLite store; " +
	"SQLite serves one process: stop the other one, or use Postgres (DATABASE_URL) to run several instances")

// lockStore takes an exclusive lock on path+".lock" for as long as the
// process keeps the file open. Holding it is what lets a starting process
// treat every job still marked running as orphaned by a dead one and
// rescue it at once, instead of after the rescue delay. flock, unlike the
// fcntl locks SQLite takes on the database itself, is not released when
// some other descriptor of the same file is closed, and the kernel drops
// it when the process dies, SIGKILL included.
func lockStore(path string) (*os.File, error) {
	f, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock SQLite store: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("lock SQLite store %s: %w", path, errStoreInUse)
		}
		return nil, fmt.Errorf("lock SQLite store %s: %w", path, err)
	}
	return f, nil
}

// storeLocked reports whether lockStore can vouch that no other process
// uses the store.
const storeLocked = true
