package mem_test

import (
	"testing"

	"github.com/stewardhq/steward/providers/backup/backend"
	"github.com/stewardhq/steward/providers/backup/backend/backendtest"
	"github.com/stewardhq/steward/providers/backup/backend/mem"
)

func TestConformance(t *testing.T) {
	backendtest.Run(t, func(t *testing.T) backend.Backend { return mem.New() })
}
