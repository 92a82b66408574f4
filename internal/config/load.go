package config

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Status tells apart the ways loading a configuration can end, because
// each calls for a different response: a missing file means defaults, an
// unreadable one is a transient fault to retry, an invalid one must be
// reported to the people who wrote it.
type Status int

const (
	// Missing: no configuration file; the defaults apply.
	Missing Status = iota
	// Loaded: the file parsed and validated.
	Loaded
	// Unreadable: the file could not be read (I/O or API error).
	Unreadable
	// Invalid: the file was read but has problems (Err is an *Error).
	Invalid
)

func (s Status) String() string {
	switch s {
	case Loaded:
		return "loaded"
	case Unreadable:
		return "unreadable"
	case Invalid:
		return "invalid"
	default:
		return "missing"
	}
}

// Fetched is the outcome of loading a configuration from somewhere.
type Fetched struct {
	Status Status
	// Source says where it came from, e.g. ".github/prodready.yml@main".
	Source string
	// Config is the parsed file when Loaded, nil otherwise.
	Config *Config
	Err    error
}

// Effective returns the settings to run with: the file's when it loaded,
// the defaults otherwise (the caller reports Err for Invalid).
func (f Fetched) Effective() *Config {
	if f.Status == Loaded && f.Config != nil {
		return f.Config
	}
	return &Config{Version: SchemaVersion}
}

// ErrNotExist is what a Reader returns for a file that does not exist.
var ErrNotExist = fs.ErrNotExist

// Reader reads a file of the repository at one revision: the working tree
// for the CLI, the contents API at the base branch for the App.
type Reader interface {
	ReadFile(ctx context.Context, path string) ([]byte, error)
}

// Fetch reads and parses the configuration at path through r.
func Fetch(ctx context.Context, r Reader, path, source string, cat Catalog) Fetched {
	b, err := r.ReadFile(ctx, path)
	return FromRead(b, err, source, cat)
}

// FromRead classifies the outcome of reading a configuration file and
// parses what was read.
func FromRead(b []byte, err error, source string, cat Catalog) Fetched {
	switch {
	case errors.Is(err, ErrNotExist):
		return Fetched{Status: Missing, Source: source}
	case err != nil:
		return Fetched{Status: Unreadable, Source: source, Err: fmt.Errorf("read %s: %w", source, err)}
	}
	cfg, err := Parse(b, source, cat)
	if err != nil {
		return Fetched{Status: Invalid, Source: source, Err: err}
	}
	return Fetched{Status: Loaded, Source: source, Config: cfg}
}

// DirReader reads files below a directory (a working tree).
type DirReader string

// ReadFile reads path relative to the directory.
func (d DirReader) ReadFile(_ context.Context, path string) ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(string(d), filepath.FromSlash(path)))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return b, nil
}
