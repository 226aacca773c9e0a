package repository

import (
	"fmt"
	"runtime"

	"github.com/klauspost/compress/zstd"
)

// codec holds the zstd encoders and decoder a repository reuses: creating
// them is expensive, and EncodeAll/DecodeAll are safe for concurrent use.
type codec struct {
	auto *zstd.Encoder
	max  *zstd.Encoder
	dec  *zstd.Decoder
}

func newCodec() (*codec, error) {
	n := runtime.GOMAXPROCS(0)
	auto, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(n), zstd.WithLowerEncoderMem(true))
	if err != nil {
		return nil, fmt.Errorf("init zstd: %w", err)
	}
	maxEnc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBestCompression), zstd.WithEncoderConcurrency(n), zstd.WithLowerEncoderMem(true))
	if err != nil {
		return nil, fmt.Errorf("init zstd: %w", err)
	}
	// Blobs are at most a few MiB; cap the decoder so a hostile frame
	// header cannot make it allocate more.
	dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(n), zstd.WithDecoderMaxMemory(256<<20))
	if err != nil {
		return nil, fmt.Errorf("init zstd: %w", err)
	}
	return &codec{auto: auto, max: maxEnc, dec: dec}, nil
}

func (c *codec) enc(mode Compression) *zstd.Encoder {
	if mode == CompressionMax {
		return c.max
	}
	return c.auto
}

func (c *codec) close() {
	c.auto.Close()
	c.max.Close()
	c.dec.Close()
}

// compress appends the compressed form of plain to dst and reports whether
// it is worth keeping: it must save at least 1/32 of the size, otherwise the
// blob is stored raw and reading it back skips decompression. The returned
// slice is the (possibly grown) dst either way, so callers keep its
// capacity for the next blob.
func (c *codec) compress(mode Compression, dst, plain []byte) ([]byte, bool) {
	if mode == CompressionOff || len(plain) < 64 {
		return dst, false
	}
	out := c.enc(mode).EncodeAll(plain, dst)
	return out, len(out)-len(dst) <= len(plain)-len(plain)/32
}
