// Cross-checks an Assent log with Go's own transparency-log code (golang.org/x/mod/sumdb/tlog and sumdb/note), which
// shares nothing with the service: the checkpoint signature, the tree hash from the tiles, a leaf's inclusion
// recomputed from its entry bundle, and consistency with an older checkpoint.
//
// Run: GOPATH=/usr/share/gocode GO111MODULE=off go run tlogcheck.go -base URL -site SITE -old FILE -index K
package main

import (
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// tileHeight is the C2SP tlog-tiles height; in Go's tlog the reader chooses it.
const tileHeight = 8

func get(url string) []byte {
	res, err := http.Get(url)
	if err != nil {
		fail("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != 200 {
		fail("GET %s: HTTP %d %v", url, res.StatusCode, err)
	}
	return body
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "FAIL "+format+"\n", args...)
	os.Exit(1)
}

// tileReader fetches C2SP tiles: Go names a tile tile/H/L/N[.p/W] ("data" for entries), C2SP drops H and says
// "entries", with the same N encoding, so the path is Go's own with those two differences.
type tileReader struct{ prefix string }

func (r tileReader) Height() int { return tileHeight }

func (r tileReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		path := strings.TrimPrefix(t.Path(), "tile/"+strconv.Itoa(tileHeight)+"/")
		if strings.HasPrefix(path, "data/") {
			path = "entries/" + strings.TrimPrefix(path, "data/")
		}
		out[i] = get(r.prefix + "/tile/" + path)
	}
	return out, nil
}

func (r tileReader) SaveTiles([]tlog.Tile, [][]byte) {}

// open verifies a checkpoint's signature with the log's key and returns its origin and tree.
func open(text []byte, verifiers note.Verifiers) (string, tlog.Tree) {
	n, err := note.Open(text, verifiers)
	if err != nil {
		fail("checkpoint signature: %v", err)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 {
		fail("checkpoint body has %d lines", len(lines))
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		fail("checkpoint size: %v", err)
	}
	root, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != tlog.HashSize {
		fail("checkpoint root: %v", err)
	}
	var hash tlog.Hash
	copy(hash[:], root)
	return lines[0], tlog.Tree{N: size, Hash: hash}
}

// entry reads record `index` from its entry bundle (uint16 big-endian length, then the bytes) in the tree of size n.
func entry(prefix string, index, n int64) []byte {
	t := tlog.Tile{H: tileHeight, L: -1, N: index >> tileHeight, W: 1 << tileHeight}
	if (t.N+1)<<tileHeight > n {
		t.W = int(n - t.N<<tileHeight)
	}
	bundle := tileReader{prefix}
	data, _ := bundle.ReadTiles([]tlog.Tile{t})
	rest := data[0]
	for i := int64(0); len(rest) >= 2; i++ {
		length := int(rest[0])<<8 | int(rest[1])
		if 2+length > len(rest) {
			fail("entry bundle %s is cut short", t.Path())
		}
		if t.N<<tileHeight+i == index {
			return rest[2 : 2+length]
		}
		rest = rest[2+length:]
	}
	fail("entry %d not in its bundle", index)
	return nil
}

func main() {
	base := flag.String("base", "", "server URL, e.g. http://127.0.0.1:8787")
	site := flag.String("site", "demo", "site id")
	oldFile := flag.String("old", "", "an older checkpoint of the same log")
	index := flag.Int64("index", 0, "a record to prove included")
	flag.Parse()

	var info struct {
		Origin      string `json:"origin"`
		VerifierKey string `json:"verifierKey"`
	}
	if err := json.Unmarshal(get(*base+"/v1/sites/"+*site+"/log"), &info); err != nil {
		fail("log info: %v", err)
	}
	verifier, err := note.NewVerifier(info.VerifierKey)
	if err != nil {
		fail("verifier key: %v", err)
	}
	verifiers := note.VerifierList(verifier)
	prefix := *base + "/log/" + *site

	origin, tree := open(get(prefix+"/checkpoint"), verifiers)
	if origin != info.Origin {
		fail("checkpoint origin %q, log info says %q", origin, info.Origin)
	}
	oldText, err := os.ReadFile(*oldFile)
	if err != nil {
		fail("old checkpoint: %v", err)
	}
	oldOrigin, old := open(oldText, verifiers)
	if oldOrigin != origin {
		fail("old checkpoint origin %q", oldOrigin)
	}

	// TileHashReader checks every tile it reads against tree.Hash before handing out a hash.
	hashes := tlog.TileHashReader(tree, tileReader{prefix})
	if root, err := tlog.TreeHash(tree.N, hashes); err != nil || root != tree.Hash {
		fail("tree hash from tiles: %v (%v, checkpoint %v)", err, root, tree.Hash)
	}

	record := tlog.RecordHash(entry(prefix, *index, tree.N))
	proof, err := tlog.ProveRecord(tree.N, *index, hashes)
	if err != nil {
		fail("inclusion proof: %v", err)
	}
	if err := tlog.CheckRecord(proof, tree.N, tree.Hash, *index, record); err != nil {
		fail("inclusion of record %d: %v", *index, err)
	}
	wrong := tlog.RecordHash(append(append([]byte(nil), entry(prefix, *index, tree.N)...), ' '))
	if tlog.CheckRecord(proof, tree.N, tree.Hash, *index, wrong) == nil {
		fail("a changed record verified")
	}

	consistency, err := tlog.ProveTree(tree.N, old.N, hashes)
	if err != nil {
		fail("consistency proof: %v", err)
	}
	if err := tlog.CheckTree(consistency, tree.N, tree.Hash, old.N, old.Hash); err != nil {
		fail("consistency %d → %d: %v", old.N, tree.N, err)
	}

	fmt.Printf("OK origin=%s size=%d old=%d index=%d record=%s\n", origin, tree.N, old.N, *index, base64.StdEncoding.EncodeToString(record[:]))
}
