package diff

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"sync"
)

var gitFileHeader = []byte("diff --git ")

// IsGitDiff peeks at the start of br and reports whether it holds a git-style
// diff ("diff --git" file headers), which Chunker can split between files.
func IsGitDiff(br *bufio.Reader) bool {
	head, _ := br.Peek(64 << 10)
	return bytes.HasPrefix(head, gitFileHeader) || bytes.Contains(head, append([]byte{'\n'}, gitFileHeader...))
}

// Chunker cuts a git-style diff into runs of whole files of about target
// bytes, at "diff --git" lines, so that several goroutines can parse one
// diff while it is still being read. Inside a hunk every line starts with
// ' ', '+', '-' or '\', and commit messages of git log -p are indented, so
// a line starting with "diff --git " always opens a new file.
type Chunker struct {
	br     *bufio.Reader
	target int
	carry  []byte // the file header line that opened the next chunk
	done   bool
	// free holds chunks handed back by Recycle, so that a long diff reuses
	// a few buffers instead of allocating one per chunk.
	free sync.Pool
}

// Recycle returns a chunk whose contents are no longer referenced (the
// parser copies line texts out of it).
func (c *Chunker) Recycle(b []byte) {
	// A chunk that grew around one huge file is left to the collector:
	// pooling it would pin megabytes for the rest of the run.
	if cap(b) >= c.target && cap(b) <= 2*c.target {
		c.free.Put(b[:0])
	}
}

// NewChunker splits the diff read from br.
func NewChunker(br *bufio.Reader, target int) *Chunker {
	return &Chunker{br: br, target: target}
}

// Next returns the next chunk, or io.EOF after the last.
func (c *Chunker) Next() ([]byte, error) {
	if c.done {
		if len(c.carry) > 0 {
			last := c.carry
			c.carry = nil
			return last, nil
		}
		return nil, io.EOF
	}
	buf, _ := c.free.Get().([]byte)
	if buf == nil {
		buf = make([]byte, 0, c.target+c.target/4)
	}
	buf = append(buf, c.carry...)
	c.carry = nil
	atLineStart := true
	for {
		line, err := c.br.ReadSlice('\n')
		if atLineStart && len(buf) >= c.target && bytes.HasPrefix(line, gitFileHeader) {
			c.carry = append(c.carry[:0], line...)
			if errors.Is(err, bufio.ErrBufferFull) {
				// The header line is longer than the buffer: keep reading
				// the rest of it into the carry.
				rest, rerr := c.readRestOfLine()
				c.carry = append(c.carry, rest...)
				if rerr != nil {
					c.done = true
					if !errors.Is(rerr, io.EOF) {
						return nil, rerr
					}
				}
			} else if err != nil {
				c.done = true
				if !errors.Is(err, io.EOF) {
					return nil, err
				}
			}
			return buf, nil
		}
		buf = append(buf, line...)
		switch {
		case err == nil:
			atLineStart = true
		case errors.Is(err, bufio.ErrBufferFull):
			atLineStart = false
		case errors.Is(err, io.EOF):
			c.done = true
			if len(buf) == 0 {
				return nil, io.EOF
			}
			return buf, nil
		default:
			c.done = true
			return nil, err
		}
	}
}

func (c *Chunker) readRestOfLine() ([]byte, error) {
	var out []byte
	for {
		line, err := c.br.ReadSlice('\n')
		out = append(out, line...)
		if !errors.Is(err, bufio.ErrBufferFull) {
			return out, err
		}
	}
}
