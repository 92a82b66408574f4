// Package diff turns unified diffs (git diff, git log -p, GitHub's .diff media
// type) into files, hunks and lines with exact new-file line numbers. It knows
// nothing about GitHub, HTTP or rules: both the CLI and the App feed it bytes.
//
// File header names are decoded by sourcegraph/go-diff. Hunk bodies are read
// here, by the line counts of their @@ headers as git apply does: go-diff
// ends a hunk at the first line that does not look like a body line, which
// misreads a deleted "-- comment" followed by an added "++i" as a new file
// header and glues a format-patch signature onto the last line.
package diff

// LineKind says which side of the diff a line belongs to.
type LineKind uint8

const (
	Context LineKind = iota
	Added
	Deleted
)

func (k LineKind) String() string {
	switch k {
	case Added:
		return "added"
	case Deleted:
		return "deleted"
	default:
		return "context"
	}
}

// Line is one line of a hunk body without its prefix and line ending.
type Line struct {
	Kind LineKind
	// NewLine is the 1-based line number in the new file; 0 for deleted lines.
	NewLine int
	// OldLine is the 1-based line number in the old file; 0 for added lines.
	OldLine int
	Text    string
}

// Hunk is one @@ section of a file diff.
type Hunk struct {
	OldStart, OldLines int
	NewStart, NewLines int
	Section            string
	Lines              []Line
	// Text is every line's text back to back, in order, without line
	// endings; each Line.Text is a substring of it. Scanners read it in one
	// pass instead of line by line.
	Text string
}

// Status is what happened to a file.
type Status uint8

const (
	Modified Status = iota
	AddedFile
	DeletedFile
	Renamed
	Copied
)

func (s Status) String() string {
	switch s {
	case AddedFile:
		return "added"
	case DeletedFile:
		return "deleted"
	case Renamed:
		return "renamed"
	case Copied:
		return "copied"
	default:
		return "modified"
	}
}

// Class tells rules whether a file is hand-written source worth judging.
type Class uint8

const (
	Source Class = iota
	Generated
	Vendored
	Lockfile
	Minified
)

func (c Class) String() string {
	switch c {
	case Generated:
		return "generated"
	case Vendored:
		return "vendored"
	case Lockfile:
		return "lockfile"
	case Minified:
		return "minified"
	default:
		return "source"
	}
}

// File is the diff of one file.
type File struct {
	// OldPath and NewPath are repository-relative, without a/ b/ prefixes;
	// empty when the file did not exist on that side.
	OldPath, NewPath string
	Status           Status
	// Binary files carry no hunks; they are counted and skipped.
	Binary bool
	// ModeOnly is set when only the file mode changed.
	ModeOnly         bool
	OldMode, NewMode string
	Language         Language
	Class            Class
	Hunks            []Hunk
	AddedLines       int
	DeletedLines     int
}

// Path is the path rules report on: the new path, or the old one for a
// deleted file.
func (f *File) Path() string {
	if f.NewPath != "" {
		return f.NewPath
	}
	return f.OldPath
}
