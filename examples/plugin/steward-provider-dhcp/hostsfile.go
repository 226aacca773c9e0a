package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// host is one `host NAME { ... }` declaration.
type host struct {
	Name, MAC, IP string
}

// hostsFile is a dhcpd file of host declarations, in file order.
type hostsFile struct {
	hosts []host
}

func (f *hostsFile) find(name string) (host, bool) {
	for _, h := range f.hosts {
		if h.Name == name {
			return h, true
		}
	}
	return host{}, false
}

func (f *hostsFile) put(h host) {
	for i := range f.hosts {
		if f.hosts[i].Name == h.Name {
			f.hosts[i] = h
			return
		}
	}
	f.hosts = append(f.hosts, h)
}

func (f *hostsFile) remove(name string) {
	for i := range f.hosts {
		if f.hosts[i].Name == name {
			f.hosts = append(f.hosts[:i], f.hosts[i+1:]...)
			return
		}
	}
}

// readHosts parses the host declarations of the file at path. A missing
// file has no hosts. Comments (# to the end of the line) are ignored.
func readHosts(path string) (*hostsFile, error) {
	src, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &hostsFile{}, nil
	}
	if err != nil {
		return nil, err
	}
	return parseHosts(src, path)
}

func parseHosts(src []byte, name string) (*hostsFile, error) {
	toks, err := tokenize(src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	f := &hostsFile{}
	for i := 0; i < len(toks); {
		t := toks[i]
		if t.text != "host" || i+2 >= len(toks) || toks[i+2].text != "{" {
			return nil, fmt.Errorf("%s:%d: expected `host NAME {`, found %q", name, t.line, t.text)
		}
		h := host{Name: toks[i+1].text}
		i += 3
		for {
			if i >= len(toks) {
				return nil, fmt.Errorf("%s: host %s is not closed with }", name, h.Name)
			}
			if toks[i].text == "}" {
				i++
				break
			}
			// A statement runs to its semicolon.
			start := i
			for i < len(toks) && toks[i].text != ";" {
				i++
			}
			if i >= len(toks) {
				return nil, fmt.Errorf("%s:%d: statement without ;", name, toks[start].line)
			}
			stmt := toks[start:i]
			i++
			switch {
			case len(stmt) == 3 && stmt[0].text == "hardware" && stmt[1].text == "ethernet":
				h.MAC = strings.ToLower(stmt[2].text)
			case len(stmt) == 2 && stmt[0].text == "fixed-address":
				h.IP = stmt[1].text
			default:
				return nil, fmt.Errorf("%s:%d: host %s: unsupported statement %q", name, stmt[0].line, h.Name, joinTokens(stmt))
			}
		}
		if _, dup := f.find(h.Name); dup {
			return nil, fmt.Errorf("%s: host %s is declared twice", name, h.Name)
		}
		f.hosts = append(f.hosts, h)
	}
	return f, nil
}

type token struct {
	text string
	line int
}

func tokenize(src []byte) ([]token, error) {
	var toks []token
	sc := bufio.NewScanner(bytes.NewReader(src))
	for line := 1; sc.Scan(); line++ {
		l := sc.Text()
		if i := strings.IndexByte(l, '#'); i >= 0 {
			l = l[:i]
		}
		for _, field := range strings.Fields(strings.NewReplacer("{", " { ", "}", " } ", ";", " ; ").Replace(l)) {
			toks = append(toks, token{text: field, line: line})
		}
	}
	return toks, sc.Err()
}

func joinTokens(ts []token) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = t.text
	}
	return strings.Join(s, " ")
}

const fileHeader = "# Host reservations managed by steward (dhcp provider).\n# Edits made here show up as drift in the next plan.\n"

// render writes the file in dhcpd syntax.
func (f *hostsFile) render() []byte {
	var b bytes.Buffer
	b.WriteString(fileHeader)
	for _, h := range f.hosts {
		fmt.Fprintf(&b, "\nhost %s {\n  hardware ethernet %s;\n  fixed-address %s;\n}\n", h.Name, h.MAC, h.IP)
	}
	return b.Bytes()
}

// write replaces the file at path atomically: dhcpd (or a person) reading
// it sees the old file or the new one.
func (f *hostsFile) write(path string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(f.render()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
