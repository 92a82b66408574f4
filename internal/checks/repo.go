package checks

import (
	"context"
	"sync"
)

// RepoReader reads a file of the repository at the revision under review:
// the working tree for the CLI (--repo), the contents API at the pull
// request's head for the App. A file that does not exist yields an error
// for which errors.Is(err, fs.ErrNotExist) holds.
type RepoReader interface {
	ReadFile(ctx context.Context, path string) ([]byte, error)
}

// Run is what every file of one review shares: the repository, when the
// caller has one, and a memo for work a rule does once per review (reading
// and parsing go.mod, say) rather than once per file.
type Run struct {
	// Repo is nil when no repository is at hand (a diff piped to app
	// check without --repo): rules that need it then stay quiet.
	Repo RepoReader
	memo sync.Map // key -> *memoEntry
}

type memoEntry struct {
	once sync.Once
	val  any
	err  error
}

// Memo runs compute once per key for the whole review, whichever file's
// rule asks first, and returns its result to every caller.
func (r *Run) Memo(key string, compute func() (any, error)) (any, error) {
	e, _ := r.memo.LoadOrStore(key, &memoEntry{})
	entry := e.(*memoEntry)
	entry.once.Do(func() { entry.val, entry.err = compute() })
	return entry.val, entry.err
}
