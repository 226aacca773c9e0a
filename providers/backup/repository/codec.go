package repository

import (
	"fmt"
	"runtime"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// codec holds the zstd encoders and decoder a repository reuses: creating
// them is expensive, and EncodeAll/DecodeAll are safe for concurrent use.
type codec struct {
	auto  *zstd.Encoder
	max   *zstd.Encoder
	probe *zstd.Encoder // fastest level, for compressibility samples
	dec   *zstd.Decoder

	probeBufs sync.Pool
}

func newCodec() (*codec, error) {
	n := runtime.GOMAXPROCS(0)
	// A 1 MiB window (the chunker's average chunk) instead of the level's
	// 8 MiB: each concurrent encoder keeps a window-sized history, and the
	// larger one cost about 15% of a backup's peak memory for no measurable
	// gain in repository size on the 1 GiB comparison data set.
	auto, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(n), zstd.WithLowerEncoderMem(true), zstd.WithWindowSize(1<<20))
	if err != nil {
		return nil, fmt.Errorf("init zstd: %w", err)
	}
	maxEnc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBestCompression), zstd.WithEncoderConcurrency(n), zstd.WithLowerEncoderMem(true))
	if err != nil {
		return nil, fmt.Errorf("init zstd: %w", err)
	}
	probe, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(n), zstd.WithLowerEncoderMem(true))
	if err != nil {
		return nil, fmt.Errorf("init zstd: %w", err)
	}
	// Blobs are at most a few MiB; cap the decoder so a hostile frame
	// header cannot make it allocate more.
	dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(n), zstd.WithDecoderMaxMemory(256<<20))
	if err != nil {
		return nil, fmt.Errorf("init zstd: %w", err)
	}
	return &codec{auto: auto, max: maxEnc, probe: probe, dec: dec}, nil
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
	c.probe.Close()
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
	if mode == CompressionAuto && !c.looksCompressible(plain) {
		return dst, false
	}
	out := c.enc(mode).EncodeAll(plain, dst)
	return out, len(out)-len(dst) <= len(plain)-len(plain)/32
}

// Compressibility probe: samples of probeSample bytes from probeSamples
// places spread over the blob, compressed at zstd's fastest level. Most
// large incompressible data (media, archives, encrypted files) is
// incompressible throughout, and the probe costs a few percent of
// compressing the whole blob, which halves the cost of storing such data.
const (
	probeMinSize = 256 << 10
	probeSample  = 16 << 10
	probeSamples = 4
)

func (c *codec) looksCompressible(plain []byte) bool {
	if len(plain) < probeMinSize {
		return true
	}
	bufs, _ := c.probeBufs.Get().(*probeBuffers)
	if bufs == nil {
		bufs = &probeBuffers{in: make([]byte, 0, probeSample*probeSamples), out: make([]byte, 0, probeSample*probeSamples*9/8)}
	}
	defer c.probeBufs.Put(bufs)
	sample := bufs.in[:0]
	step := (len(plain) - probeSample) / (probeSamples - 1)
	for i := range probeSamples {
		off := i * step
		sample = append(sample, plain[off:off+probeSample]...)
	}
	out := c.probe.EncodeAll(sample, bufs.out[:0])
	bufs.in, bufs.out = sample[:0], out[:0]
	// The same 1/32 rule as for whole blobs, a little more lenient since
	// the fastest level compresses less than the one used for real.
	return len(out) <= len(sample)-len(sample)/64
}

type probeBuffers struct{ in, out []byte }
