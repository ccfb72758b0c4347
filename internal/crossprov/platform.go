package crossprov

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Delivery is one message document waiting in the inbox, by the name the
// platform knows it under.
type Delivery struct {
	Name string
	Data []byte
}

// Platform carries messages to and from the national platform.
type Platform interface {
	// Send delivers one message document (Message.Encode) whose ID is id.
	// Sending the same ID again must be harmless: the receiver processes
	// a message once.
	Send(ctx context.Context, id string, doc []byte) error
	// Receive returns the documents waiting in the inbox, oldest first,
	// at most limit.
	Receive(ctx context.Context, limit int) ([]Delivery, error)
	// Done takes a delivery out of the inbox once it was handled: processed
	// (refusal nil) or refused as malformed (refusal its reason).
	Done(ctx context.Context, d Delivery, refusal error) error
}

// FileDrop is a Platform over two folders, the way such exchanges are
// usually run by a transfer agent: one file per message, <id>.json,
// written into Outbox atomically (a temporary file then a rename, so the
// agent never picks up half a file) and read from Inbox. A handled inbox
// file moves to Inbox/done; a refused one to Inbox/refused, with the
// reason beside it in <name>.error.txt.
type FileDrop struct {
	Outbox string
	Inbox  string
}

// NewFileDrop returns the file drop under dir: dir/outbox and dir/inbox,
// made if missing.
func NewFileDrop(dir string) (*FileDrop, error) {
	f := &FileDrop{Outbox: filepath.Join(dir, "outbox"), Inbox: filepath.Join(dir, "inbox")}
	for _, d := range []string{f.Outbox, f.Inbox, filepath.Join(f.Inbox, "done"), filepath.Join(f.Inbox, "refused")} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			return nil, fmt.Errorf("file drop: %w", err)
		}
	}
	return f, nil
}

// Send implements Platform: it writes Outbox/<id>.json atomically.
func (f *FileDrop) Send(ctx context.Context, id string, doc []byte) error {
	if !validID(id) {
		return fmt.Errorf("file drop: bad message id %q", id)
	}
	return writeAtomic(f.Outbox, id+".json", doc)
}

// writeAtomic writes data to dir/name through a temporary file in dir,
// synced, then renamed over the name.
func writeAtomic(dir, name string, data []byte) error {
	tmp, err := os.CreateTemp(dir, "."+name+".*.tmp")
	if err != nil {
		return fmt.Errorf("file drop: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("file drop: write %s: %w", name, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("file drop: sync %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("file drop: close %s: %w", name, err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
		return fmt.Errorf("file drop: %w", err)
	}
	return nil
}

// Receive implements Platform: the *.json files of Inbox in name order
// (temporary files, starting with a dot, are not yet messages).
func (f *FileDrop) Receive(ctx context.Context, limit int) ([]Delivery, error) {
	entries, err := os.ReadDir(f.Inbox)
	if err != nil {
		return nil, fmt.Errorf("file drop: %w", err)
	}
	var out []Delivery
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ".json") {
			continue
		}
		if len(out) == limit {
			break
		}
		data, err := readLimited(filepath.Join(f.Inbox, name))
		if err != nil {
			return nil, err
		}
		out = append(out, Delivery{Name: name, Data: data})
	}
	return out, nil
}

// readLimited reads a file, at most MaxMessageSize+1 bytes of it
// (Decode refuses a larger one).
func readLimited(path string) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("file drop: %w", err)
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, MaxMessageSize+1))
	if err != nil {
		return nil, fmt.Errorf("file drop: read %s: %w", path, err)
	}
	return data, nil
}

// Done implements Platform: the file moves to Inbox/done or, refused, to
// Inbox/refused with its reason.
func (f *FileDrop) Done(ctx context.Context, d Delivery, refusal error) error {
	to := filepath.Join(f.Inbox, "done")
	if refusal != nil {
		to = filepath.Join(f.Inbox, "refused")
		if err := writeAtomic(to, d.Name+".error.txt", []byte(refusal.Error()+"\n")); err != nil {
			return err
		}
	}
	if err := os.Rename(filepath.Join(f.Inbox, d.Name), filepath.Join(to, d.Name)); err != nil {
		return fmt.Errorf("file drop: %w", err)
	}
	return nil
}

// Outgoing returns the names of the files waiting in the outbox, in name
// order: what the transfer agent has not collected yet.
func (f *FileDrop) Outgoing() ([]string, error) {
	entries, err := os.ReadDir(f.Outbox)
	if err != nil {
		return nil, fmt.Errorf("file drop: %w", err)
	}
	var names []string
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".") && strings.HasSuffix(e.Name(), ".json") {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names, nil
}
