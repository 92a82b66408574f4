package diff

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	godiff "github.com/sourcegraph/go-diff/diff"
)

// ErrNotADiff is returned when non-empty input holds no file diff at all.
var ErrNotADiff = errors.New("input is not a unified diff (no 'diff --git' or '---'/'+++' file header found)")

// Reader yields one File at a time so that a diff of any size is never held
// in memory whole: only the file being parsed is.
//
// Hunk bodies are read by the line counts of their @@ headers, as git apply
// does, rather than "until a line that does not look like a body line": a
// deleted "-- comment" followed by an added "++x" is body, not a file
// header, and whatever follows the last counted line (a format-patch
// signature, the next commit of git log -p) is never glued onto it.
type Reader struct {
	src *countingReader
	br  *bufio.Reader
	// back holds one line pushed back with unread.
	back    []byte
	hasBack bool
	// long accumulates a line longer than br's buffer.
	long []byte
	// arena and spans collect a hunk's line texts so that they share one
	// string allocation per hunk.
	arena []byte
	spans []span
	line  int // number of the line last returned by readLine

	// remaining, when the input is in memory, tells how much of it is left,
	// which bounds how many lines a hunk can really have.
	remaining interface{ Len() int }

	files     int
	sawHeader bool // a file header was recognised, even if nothing came of it
	sawText   bool // a non-blank line outside any file diff
	sawANSI   bool // text held terminal colour codes (git diff --color)
	done      bool
}

type span struct{ start, end int }

// NewReader reads a unified diff from r.
func NewReader(r io.Reader) *Reader {
	size := 256 << 10
	// An in-memory input (a test, a chunk of a larger diff) is copied
	// through the buffer at memory speed: a small one is plenty.
	if l, ok := r.(interface{ Len() int }); ok {
		size = max(min(l.Len(), 64<<10), 16)
	}
	src := &countingReader{r: r}
	rd := &Reader{src: src, br: bufio.NewReaderSize(src, size)}
	if l, ok := r.(interface{ Len() int }); ok {
		rd.remaining = l
	}
	return rd
}

// BytesRead is how much of the input has been consumed so far.
func (r *Reader) BytesRead() int64 { return r.src.n }

// Next returns the next file, or io.EOF after the last one. After an error
// it returns io.EOF.
func (r *Reader) Next() (*File, error) {
	if r.done {
		return nil, io.EOF
	}
	f, err := r.next()
	if err != nil {
		r.done = true
		if err == io.EOF && r.files == 0 && !r.sawHeader && r.sawText {
			if r.sawANSI {
				return nil, fmt.Errorf("%w: it holds terminal colour codes; produce it with git diff --no-color", ErrNotADiff)
			}
			return nil, ErrNotADiff
		}
		return nil, err
	}
	r.files++
	return f, nil
}

func (r *Reader) next() (*File, error) {
	for {
		line, err := r.readLine()
		if err != nil {
			return nil, err
		}
		var f *File
		switch {
		case bytes.HasPrefix(line, []byte("diff --git ")):
			r.sawHeader = true
			f, err = r.readGitFile(string(line[len("diff --git "):]))
		case bytes.HasPrefix(line, []byte("--- ")):
			f, err = r.readPlainFile(string(line[len("--- "):]))
		default:
			// Commit headers and messages (git log -p, format-patch), "diff -r"
			// command lines, signatures: text between file diffs.
			if !r.sawText && len(bytes.TrimSpace(line)) > 0 {
				r.sawText = true
			}
			if !r.sawHeader && !r.sawANSI && bytes.Contains(line, []byte("\x1b[")) {
				r.sawANSI = true
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		if f != nil {
			return f, nil
		}
	}
}

const devNull = "/dev/null"

// readGitFile reads the extended header lines and hunks that follow a
// "diff --git" line whose arguments are args.
func (r *Reader) readGitFile(args string) (*File, error) {
	f := &File{}
	gitOld, gitNew, srcPrefix, dstPrefix := splitGitArgs(args)
	var (
		oldName, newName     string
		haveNames            bool
		renameFrom, renameTo string
		copyFrom, copyTo     string
		added, deleted       bool
	)
header:
	for {
		line, err := r.readLine()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		// Only the header lines git writes are read: anything else ends
		// the header, so a commit message after a headers-only file (a
		// rename, a mode change) is never taken for more header.
		switch s := string(line); {
		case strings.HasPrefix(s, "old mode "):
			f.OldMode = strings.TrimSpace(s[len("old mode "):])
		case strings.HasPrefix(s, "new mode "):
			f.NewMode = strings.TrimSpace(s[len("new mode "):])
		case strings.HasPrefix(s, "deleted file mode "):
			deleted, f.OldMode = true, strings.TrimSpace(s[len("deleted file mode "):])
		case strings.HasPrefix(s, "new file mode "):
			added, f.NewMode = true, strings.TrimSpace(s[len("new file mode "):])
		case strings.HasPrefix(s, "rename from "):
			renameFrom = headerPath(s[len("rename from "):])
		case strings.HasPrefix(s, "rename to "):
			renameTo = headerPath(s[len("rename to "):])
		case strings.HasPrefix(s, "copy from "):
			copyFrom = headerPath(s[len("copy from "):])
		case strings.HasPrefix(s, "copy to "):
			copyTo = headerPath(s[len("copy to "):])
		case strings.HasPrefix(s, "similarity index "), strings.HasPrefix(s, "dissimilarity index "), strings.HasPrefix(s, "index "):
		case strings.HasPrefix(s, "Binary files "):
			f.Binary = true
		case s == "GIT binary patch":
			// git diff --binary: base85 data up to the next file.
			f.Binary = true
			if err := r.skipUntilGitHeader(); err != nil {
				return nil, err
			}
			break header
		case strings.HasPrefix(s, "--- "):
			next, err := r.readLine()
			if err != nil && err != io.EOF {
				return nil, err
			}
			if err == nil && bytes.HasPrefix(next, []byte("+++ ")) {
				oldName, newName = fileHeaderNames(s[len("--- "):], string(next[len("+++ "):]))
				haveNames = true
			} else if err == nil {
				r.unread(next)
			}
			break header
		default:
			r.unread(line)
			break header
		}
	}

	f.OldPath, f.NewPath = gitOld, gitNew
	if haveNames {
		if oldName == devNull {
			added = true
		} else {
			f.OldPath = strings.TrimPrefix(oldName, srcPrefix)
		}
		if newName == devNull {
			deleted = true
		} else {
			f.NewPath = strings.TrimPrefix(newName, dstPrefix)
		}
	}
	switch {
	case renameFrom != "" || renameTo != "":
		f.Status = Renamed
		f.OldPath, f.NewPath = orDefault(renameFrom, f.OldPath), orDefault(renameTo, f.NewPath)
	case copyFrom != "" || copyTo != "":
		f.Status = Copied
		f.OldPath, f.NewPath = orDefault(copyFrom, f.OldPath), orDefault(copyTo, f.NewPath)
	case added && !deleted:
		f.Status, f.OldPath = AddedFile, ""
	case deleted && !added:
		f.Status, f.NewPath = DeletedFile, ""
	}
	if err := r.readHunks(f); err != nil {
		return nil, err
	}
	if f.Path() == "" {
		// A "diff --git" line without paths names nothing to report on.
		return nil, nil
	}
	if len(f.Hunks) > 0 {
		// git never writes both; text the rules can read wins over a
		// "Binary files" line that would make the engine skip it.
		f.Binary = false
	}
	f.ModeOnly = len(f.Hunks) == 0 && !f.Binary && f.OldMode != "" && f.NewMode != "" && f.Status == Modified
	finish(f)
	return f, nil
}

// readPlainFile reads a diff without a "diff --git" line (diff -u, svn,
// hand-made patches), given what follows "--- " on its first line. Only a
// "---" line followed by "+++" and an @@ line is a file header; anything
// else is text that happens to start with dashes.
func (r *Reader) readPlainFile(minus string) (*File, error) {
	plus, err := r.readLine()
	if err != nil && err != io.EOF {
		return nil, err
	}
	r.sawText = true
	if err == io.EOF {
		return nil, nil
	}
	if !bytes.HasPrefix(plus, []byte("+++ ")) {
		r.unread(plus)
		return nil, nil
	}
	plusName := string(plus[len("+++ "):])
	next, err := r.readLine()
	if err != nil && err != io.EOF {
		return nil, err
	}
	if err == io.EOF {
		return nil, nil
	}
	r.unread(next)
	if !bytes.HasPrefix(next, []byte("@@ -")) {
		return nil, nil
	}
	r.sawHeader = true
	f := &File{}
	oldName, newName := fileHeaderNames(minus, plusName)
	switch {
	case oldName == devNull && newName != devNull:
		f.Status = AddedFile
	case newName == devNull && oldName != devNull:
		f.Status = DeletedFile
	}
	if oldName != devNull {
		f.OldPath = strings.TrimPrefix(oldName, "a/")
	}
	if newName != devNull {
		f.NewPath = strings.TrimPrefix(newName, "b/")
	}
	if err := r.readHunks(f); err != nil {
		return nil, err
	}
	if f.Path() == "" {
		return nil, nil
	}
	finish(f)
	return f, nil
}

func finish(f *File) {
	for i := range f.Hunks {
		for _, l := range f.Hunks[i].Lines {
			switch l.Kind {
			case Added:
				f.AddedLines++
			case Deleted:
				f.DeletedLines++
			}
		}
	}
	f.Language = DetectLanguage(f.Path(), firstLine(f))
	f.Class = Classify(f)
}

func orDefault(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

// skipUntilGitHeader drops lines up to the next "diff --git" line, which it
// leaves to be read next.
func (r *Reader) skipUntilGitHeader() error {
	for {
		line, err := r.readLine()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if bytes.HasPrefix(line, []byte("diff --git ")) {
			r.unread(line)
			return nil
		}
	}
}

// readHunks reads the hunks of f, if any follow.
func (r *Reader) readHunks(f *File) error {
	for {
		line, err := r.readLine()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if !bytes.HasPrefix(line, []byte("@@ -")) {
			if isBodyLine(line) {
				if len(f.Hunks) == 0 {
					return r.errorf(f, "expected an @@ hunk header, found %q", truncate(string(line), 40))
				}
				return r.errorf(f, "%s: more lines than its header counts (%q)", hunkLabel(f.Hunks[len(f.Hunks)-1]), truncate(string(line), 40))
			}
			r.unread(line)
			return nil
		}
		hk, err := r.readHunk(f, line)
		if err != nil {
			return err
		}
		f.Hunks = append(f.Hunks, hk)
	}
}

// isBodyLine tells a changed line that follows a complete hunk, which means
// the hunk's counts are wrong, from the text that may follow the last hunk
// of a file: a blank line and a commit header (git log -p), the "-- "
// signature of format-patch, the "---" header of the next plain diff.
func isBodyLine(line []byte) bool {
	if len(line) == 0 {
		return false
	}
	return line[0] == '+' || (line[0] == '-' && (len(line) == 1 || line[1] != '-'))
}

func hunkLabel(h Hunk) string {
	return fmt.Sprintf("hunk @@ -%d,%d +%d,%d @@", h.OldStart, h.OldLines, h.NewStart, h.NewLines)
}

// maxCount bounds the numbers of an @@ header so that line arithmetic
// cannot overflow; no real file comes near it.
const maxCount = 1<<31 - 1

// parseHunkHeader parses "@@ -a[,b] +c[,d] @@[ section]".
func parseHunkHeader(line []byte) (Hunk, bool) {
	var hk Hunk
	p := line[len("@@ -"):]
	var ok bool
	if hk.OldStart, hk.OldLines, p, ok = parseRange(p); !ok {
		return hk, false
	}
	if !bytes.HasPrefix(p, []byte(" +")) {
		return hk, false
	}
	if hk.NewStart, hk.NewLines, p, ok = parseRange(p[2:]); !ok {
		return hk, false
	}
	if !bytes.HasPrefix(p, []byte(" @@")) {
		return hk, false
	}
	if s := bytes.TrimSpace(p[3:]); len(s) > 0 {
		hk.Section = string(s)
	}
	// A range with lines starts at line 1 or later; only an empty side may
	// name line 0 (the file is created, deleted or emptied there).
	if (hk.OldLines > 0 && hk.OldStart < 1) || (hk.NewLines > 0 && hk.NewStart < 1) {
		return hk, false
	}
	return hk, true
}

// parseRange parses "start[,count]" at the start of p.
func parseRange(p []byte) (start, count int, rest []byte, ok bool) {
	start, p, ok = parseCount(p)
	if !ok {
		return 0, 0, p, false
	}
	count = 1
	if len(p) > 0 && p[0] == ',' {
		if count, p, ok = parseCount(p[1:]); !ok {
			return 0, 0, p, false
		}
	}
	return start, count, p, true
}

func parseCount(p []byte) (int, []byte, bool) {
	n, i := 0, 0
	for ; i < len(p) && '0' <= p[i] && p[i] <= '9'; i++ {
		n = n*10 + int(p[i]-'0')
		if n > maxCount {
			return 0, p, false
		}
	}
	return n, p[i:], i > 0
}

// readHunk reads the body of the hunk whose header is header, exactly as
// many lines as the header counts.
func (r *Reader) readHunk(f *File, header []byte) (Hunk, error) {
	hk, ok := parseHunkHeader(header)
	if !ok {
		return hk, r.errorf(f, "bad hunk header %q", truncate(string(header), 60))
	}
	oldLeft, newLeft := hk.OldLines, hk.NewLines
	oldNo, newNo := hk.OldStart, hk.NewStart
	// The counts come from the input, so the guess they give is bounded: a
	// header promising two billion lines must not allocate for them. An
	// in-memory input bounds it by its size (every line takes a byte), so
	// a large file gets its slice in one allocation.
	limit := 1 << 14
	if r.remaining != nil {
		limit = r.remaining.Len() + r.br.Buffered() + 1
	}
	hk.Lines = make([]Line, 0, min(oldLeft+newLeft+1, limit))
	r.arena, r.spans = r.arena[:0], r.spans[:0]
	for oldLeft > 0 || newLeft > 0 {
		line, err := r.readLine()
		if err == io.EOF {
			return hk, r.errorf(f, "%s is truncated: %d old and %d new line(s) missing at end of input", hunkLabel(hk), oldLeft, newLeft)
		}
		if err != nil {
			return hk, err
		}
		kind := Context
		if len(line) > 0 {
			switch line[0] {
			case '+':
				kind = Added
			case '-':
				kind = Deleted
			case ' ':
			case '\\':
				// "\ No newline at end of file": a marker, not a line.
				continue
			default:
				return hk, r.errorf(f, "%s is truncated: %d old and %d new line(s) missing before %q", hunkLabel(hk), oldLeft, newLeft, truncate(string(line), 40))
			}
		}
		// else: an empty context line whose single space was stripped, as
		// editors and mail clients do.
		var l Line
		switch kind {
		case Added:
			if newLeft == 0 {
				return hk, r.errorf(f, "%s: more added lines than its header counts (%q)", hunkLabel(hk), truncate(string(line), 40))
			}
			l = Line{Kind: Added, NewLine: newNo}
			newNo++
			newLeft--
		case Deleted:
			if oldLeft == 0 {
				return hk, r.errorf(f, "%s: more deleted lines than its header counts (%q)", hunkLabel(hk), truncate(string(line), 40))
			}
			l = Line{Kind: Deleted, OldLine: oldNo}
			oldNo++
			oldLeft--
		default:
			if oldLeft == 0 || newLeft == 0 {
				return hk, r.errorf(f, "%s: more context lines than its header counts (%q)", hunkLabel(hk), truncate(string(line), 40))
			}
			l = Line{Kind: Context, OldLine: oldNo, NewLine: newNo}
			oldNo++
			newNo++
			oldLeft--
			newLeft--
		}
		start := len(r.arena)
		if len(line) > 0 {
			r.arena = append(r.arena, line[1:]...)
		}
		r.spans = append(r.spans, span{start, len(r.arena)})
		hk.Lines = append(hk.Lines, l)
	}
	// Markers for the last line of either side.
	for {
		line, err := r.readLine()
		if err == io.EOF {
			break
		}
		if err != nil {
			return hk, err
		}
		if len(line) == 0 || line[0] != '\\' {
			r.unread(line)
			break
		}
	}
	text := string(r.arena)
	hk.Text = text
	for i, s := range r.spans {
		hk.Lines[i].Text = text[s.start:s.end]
	}
	if cap(r.arena) > 4<<20 {
		r.arena = nil // do not pin a huge line's buffer for the rest of the diff
	}
	return hk, nil
}

func (r *Reader) errorf(f *File, format string, args ...any) error {
	return fmt.Errorf("parse diff: line %d (%s): %s", r.line, f.Path(), fmt.Sprintf(format, args...))
}

// readLine returns the next line without its "\n" or "\r\n". The slice is
// valid until the next call.
func (r *Reader) readLine() ([]byte, error) {
	if r.hasBack {
		r.hasBack = false
		r.line++
		return r.back, nil
	}
	if cap(r.long) > 4<<20 {
		r.long = nil
	}
	line, err := r.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		r.long = append(r.long[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = r.br.ReadSlice('\n')
			r.long = append(r.long, line...)
		}
		line = r.long
	}
	if err != nil && err != io.EOF {
		return nil, err
	}
	if len(line) == 0 {
		return nil, io.EOF
	}
	r.line++
	if r.line == 1 {
		// Editors on Windows may save a .diff with a byte order mark.
		line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
	}
	if len(line) > 0 && line[len(line)-1] == '\n' {
		line = line[:len(line)-1]
	}
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	return line, nil
}

// unread makes line, just returned by readLine, the next line to read.
func (r *Reader) unread(line []byte) {
	r.back = append(r.back[:0], line...)
	r.hasBack = true
	r.line--
}

// prefixPairs are the source/destination prefixes git may write: the
// default a/ b/, those of diff.mnemonicPrefix, and 1/ 2/ of --no-index.
var prefixPairs = [...][2]string{{"a/", "b/"}, {"i/", "w/"}, {"c/", "w/"}, {"c/", "i/"}, {"o/", "w/"}, {"w/", "i/"}, {"1/", "2/"}}

// splitGitArgs splits the arguments of a "diff --git" line into the two
// paths and the prefixes they carried. Unquoted paths may contain spaces,
// so the line is first split in the middle, which is right whenever both
// sides name the same path (all but renames and copies, whose names come
// from their own header lines anyway).
func splitGitArgs(args string) (oldPath, newPath, srcPrefix, dstPrefix string) {
	if strings.HasPrefix(args, `"`) || strings.HasSuffix(args, `"`) {
		a, rest := readMaybeQuoted(args)
		b, _ := readMaybeQuoted(strings.TrimLeft(rest, " "))
		for _, p := range prefixPairs {
			if strings.HasPrefix(a, p[0]) && strings.HasPrefix(b, p[1]) {
				return a[2:], b[2:], p[0], p[1]
			}
		}
		return a, b, "", ""
	}
	if n := len(args); n%2 == 1 && args[n/2] == ' ' {
		a, b := args[:n/2], args[n/2+1:]
		if a == b {
			// --no-prefix (or a path that merely starts like a prefix).
			return a, b, "", ""
		}
		for _, p := range prefixPairs {
			if strings.HasPrefix(a, p[0]) && strings.HasPrefix(b, p[1]) && a[2:] == b[2:] {
				return a[2:], b[2:], p[0], p[1]
			}
		}
	}
	for _, p := range prefixPairs {
		if !strings.HasPrefix(args, p[0]) {
			continue
		}
		if i := strings.Index(args, " "+p[1]); i >= 2 {
			return args[2:i], args[i+3:], p[0], p[1]
		}
	}
	if i := strings.IndexByte(args, ' '); i >= 0 {
		return args[:i], args[i+1:], "", ""
	}
	// Not two paths: a mangled line. The ---/+++ names, if any, are then
	// read as in a plain diff.
	return args, args, "a/", "b/"
}

// fileHeaderNames decodes the paths of a ---/+++ pair with go-diff, which
// unquotes C-quoted paths and splits off timestamps. go-diff rejects text
// after a tab that is not a timestamp (svn writes "(revision 12)"), which
// patch and git accept; headerPath reads those.
func fileHeaderNames(minus, plus string) (oldName, newName string) {
	fd, err := godiff.ParseFileDiff([]byte("--- " + minus + "\n+++ " + plus + "\n"))
	if err != nil || fd.OrigName == "" || fd.NewName == "" {
		return headerPath(minus), headerPath(plus)
	}
	return fd.OrigName, fd.NewName
}

// headerPath decodes the path of a ---/+++, rename or copy line: a
// C-quoted path is unquoted; otherwise a tab ends it (diff -u puts the
// timestamp there, git puts one after a path with spaces).
func headerPath(s string) string {
	if strings.HasPrefix(s, `"`) {
		v, _ := readMaybeQuoted(s)
		return v
	}
	if i := strings.IndexByte(s, '\t'); i >= 0 {
		return s[:i]
	}
	return strings.TrimRight(s, " ")
}

// readMaybeQuoted reads one path, C-quoted as git writes paths with special
// characters, or unquoted up to the next space.
func readMaybeQuoted(s string) (value, rest string) {
	if !strings.HasPrefix(s, `"`) {
		if i := strings.IndexByte(s, ' '); i >= 0 {
			return s[:i], s[i+1:]
		}
		return s, ""
	}
	escaped := false
	for i := 1; i < len(s); i++ {
		switch {
		case escaped:
			escaped = false
		case s[i] == '\\':
			escaped = true
		case s[i] == '"':
			if u, err := strconv.Unquote(s[:i+1]); err == nil {
				return u, s[i+1:]
			}
			return s[1:i], s[i+1:]
		}
	}
	return s[1:], ""
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}

func firstLine(f *File) string {
	if len(f.Hunks) == 0 {
		return ""
	}
	for _, l := range f.Hunks[0].Lines {
		if l.NewLine == 1 {
			return l.Text
		}
	}
	return ""
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
