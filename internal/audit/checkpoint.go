package audit

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"
)

// A Checkpoint anchors the chain outside the database: the head (the last
// sequence number and its hash) at a moment, signed with an Ed25519 key
// that the database does not hold. Whoever owns the database can rewrite
// the events and rehash the rest, or delete the newest and move the head
// back, but cannot sign a checkpoint: the chain recomputed from the
// database must still pass through every signed head.
type Checkpoint struct {
	Seq  int64     `json:"seq"`
	Head string    `json:"head"`
	At   time.Time `json:"at"`
	// KeyID names the signing key: the first 8 bytes of the SHA-256 of its
	// public key, hex-encoded.
	KeyID string `json:"key_id"`
	// Sig is the Ed25519 signature of the other fields (see message),
	// base64-encoded.
	Sig string `json:"sig"`
}

// message is what a checkpoint's signature covers.
func (c Checkpoint) message() []byte {
	var b bytes.Buffer
	b.WriteString("safetynet audit checkpoint v1\n")
	b.WriteString(strconv.FormatInt(c.Seq, 10) + "\n")
	b.WriteString(c.Head + "\n")
	b.WriteString(c.At.UTC().Format(time.RFC3339Nano) + "\n")
	b.WriteString(c.KeyID + "\n")
	return b.Bytes()
}

// KeyID returns the identifier of a public key.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// SignCheckpoint returns the checkpoint of the head (seq, hash) at the time
// at, signed with key.
func SignCheckpoint(key ed25519.PrivateKey, seq int64, head string, at time.Time) Checkpoint {
	pub, _ := key.Public().(ed25519.PublicKey)
	c := Checkpoint{Seq: seq, Head: head, At: at.UTC(), KeyID: KeyID(pub)}
	c.Sig = base64.StdEncoding.EncodeToString(ed25519.Sign(key, c.message()))
	return c
}

// Verify reports whether c was signed with the private key of pub.
func (c Checkpoint) Verify(pub ed25519.PublicKey) error {
	if c.KeyID != KeyID(pub) {
		return fmt.Errorf("signed with key %s, not with key %s", c.KeyID, KeyID(pub))
	}
	sig, err := base64.StdEncoding.DecodeString(c.Sig)
	if err != nil || !ed25519.Verify(pub, c.message(), sig) {
		return errors.New("the signature does not verify: the checkpoint was altered or forged")
	}
	return nil
}

// GenerateKey writes a new Ed25519 key pair: the private key to keyPath
// (PKCS #8 PEM, mode 0600) and the public key to pubPath (PKIX PEM). It
// refuses to overwrite either file.
func GenerateKey(keyPath, pubPath string) (ed25519.PublicKey, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("encode private key: %w", err)
	}
	pubDER, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("encode public key: %w", err)
	}
	if err := writeNew(keyPath, 0o600, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})); err != nil {
		return nil, err
	}
	if err := writeNew(pubPath, 0o644, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})); err != nil {
		os.Remove(keyPath)
		return nil, err
	}
	return pub, nil
}

// writeNew creates path with mode and writes b to it; it fails if path
// exists.
func writeNew(path string, mode os.FileMode, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return fmt.Errorf("write key: %w", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return fmt.Errorf("write key %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("write key %s: %w", path, err)
	}
	return f.Close()
}

// ReadPrivateKey reads a private key written by GenerateKey. A key file
// that others than its owner may read is refused.
func ReadPrivateKey(path string) (ed25519.PrivateKey, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("checkpoint key: %w", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("checkpoint key %s: mode %v lets others read it; chmod 600 it", path, st.Mode().Perm())
	}
	block, err := readPEM(path)
	if err != nil {
		return nil, err
	}
	if block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("checkpoint key %s: a %s, not a PRIVATE KEY", path, block.Type)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("checkpoint key %s: %w", path, err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("checkpoint key %s: not an Ed25519 key", path)
	}
	return priv, nil
}

// ReadPublicKey reads the public key of GenerateKey; given the private key
// file instead, it returns that key's public half.
func ReadPublicKey(path string) (ed25519.PublicKey, error) {
	block, err := readPEM(path)
	if err != nil {
		return nil, err
	}
	switch block.Type {
	case "PUBLIC KEY":
		k, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("public key %s: %w", path, err)
		}
		pub, ok := k.(ed25519.PublicKey)
		if !ok {
			return nil, fmt.Errorf("public key %s: not an Ed25519 key", path)
		}
		return pub, nil
	case "PRIVATE KEY":
		priv, err := ReadPrivateKey(path)
		if err != nil {
			return nil, err
		}
		pub, _ := priv.Public().(ed25519.PublicKey)
		return pub, nil
	}
	return nil, fmt.Errorf("public key %s: a %s, not a PUBLIC KEY", path, block.Type)
}

func readPEM(path string) (*pem.Block, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("key: %w", err)
	}
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, fmt.Errorf("key %s: no PEM block", path)
	}
	return block, nil
}

// AppendCheckpoint appends c to the checkpoint file at path as one JSON
// line, creating the file if needed. The file is opened for appending
// only and synced before returning; keep it where the database's owner
// cannot rewrite it (another host, or a file system's append-only flag).
func AppendCheckpoint(path string, c Checkpoint) error {
	line, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("checkpoint file: %w", err)
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("checkpoint file %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("checkpoint file %s: %w", path, err)
	}
	return f.Close()
}

// CheckpointLine is one line of a checkpoint file: the checkpoint, or why
// the line could not be read.
type CheckpointLine struct {
	Line       int
	Checkpoint Checkpoint
	Err        error
}

// ReadCheckpoints reads a checkpoint file, one checkpoint per line. A line
// that is not a checkpoint is returned with its error: it is a finding,
// not a reason to stop.
func ReadCheckpoints(r io.Reader) ([]CheckpointLine, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	var out []CheckpointLine
	for n := 1; sc.Scan(); n++ {
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		l := CheckpointLine{Line: n}
		dec := json.NewDecoder(bytes.NewReader(text))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&l.Checkpoint); err != nil {
			l.Err = fmt.Errorf("not a checkpoint: %v", err)
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("read checkpoints: %w", err)
	}
	return out, nil
}

// AnchorProblem is a checkpoint that the chain does not pass through, or
// that is not a valid checkpoint.
type AnchorProblem struct {
	// Line is the checkpoint's line in the checkpoint file.
	Line int   `json:"line"`
	Seq  int64 `json:"seq"`
	// At is when the checkpoint was signed.
	At     time.Time `json:"at"`
	Reason string    `json:"reason"`
}

// AnchorReport is the result of checking a chain against its checkpoints.
type AnchorReport struct {
	// Checked counts the checkpoints that hold.
	Checked int `json:"checked"`
	// AnchoredSeq is the highest sequence number a holding checkpoint
	// signed: the events after it are checked only against the database.
	AnchoredSeq int64           `json:"anchored_seq"`
	Problems    []AnchorProblem `json:"problems,omitempty"`
}

// CheckAnchors checks checkpoints against a chain verified up to lastGood
// (its events' stored hashes by sequence number in hashes, for at least
// the checkpoints' sequence numbers), with its head at headSeq and brk the
// chain's first break, if any. A checkpoint holds when its signature
// verifies with pub and the event at its sequence number is in the
// verified chain with the signed hash.
func CheckAnchors(lines []CheckpointLine, pub ed25519.PublicKey, hashes map[int64]string, lastGood, headSeq int64, brk *Break) AnchorReport {
	var rep AnchorReport
	var lastHeld int64 // the last sequence number a holding checkpoint signed, in file order
	for _, l := range lines {
		c := l.Checkpoint
		bad := func(format string, args ...any) {
			rep.Problems = append(rep.Problems, AnchorProblem{Line: l.Line, Seq: c.Seq, At: c.At, Reason: fmt.Sprintf(format, args...)})
		}
		if l.Err != nil {
			bad("%v", l.Err)
			continue
		}
		if err := c.Verify(pub); err != nil {
			bad("%v", err)
			continue
		}
		if c.Seq == 0 {
			// The empty chain: nothing to hold to.
			rep.Checked++
			continue
		}
		h, ok := hashes[c.Seq]
		switch {
		case ok && h == c.Head:
			rep.Checked++
			lastHeld = max(lastHeld, c.Seq)
			rep.AnchoredSeq = max(rep.AnchoredSeq, c.Seq)
		case ok:
			bad("event %d is not the event signed on %s: the trail was rewritten between event %d and event %d",
				c.Seq, c.At.UTC().Format(time.RFC3339), lastHeld+1, c.Seq)
		case brk != nil && brk.Seq <= c.Seq:
			bad("event %d cannot be reached: the chain breaks at event %d", c.Seq, brk.Seq)
		case c.Seq > headSeq:
			bad("the trail ends at event %d but held %d events on %s: events %d to %d were deleted and the head moved back",
				headSeq, c.Seq, c.At.UTC().Format(time.RFC3339), headSeq+1, c.Seq)
		default:
			bad("event %d is missing from the chain verified up to event %d", c.Seq, lastGood)
		}
	}
	return rep
}
