package repository

import "testing"

func TestSizeClass(t *testing.T) {
	capOf := map[int]int{}
	for _, n := range []int{0, 1, 2, 3, 1000, 65536, 65537, 98304, 98305, 131072, 512 << 10, 700 << 10, 1 << 20, 1<<20 + 1, 3 << 20, 8 << 20, 12<<20 + 1, 16 << 20, 16<<20 + 1} {
		class, capacity := sizeClass(n)
		if capacity < n {
			t.Errorf("sizeClass(%d) capacity %d is too small", n, capacity)
		}
		if class < 0 {
			if n <= maxPooled {
				t.Errorf("sizeClass(%d) is not pooled", n)
			}
			continue
		}
		if class >= numSizeClasses {
			t.Errorf("sizeClass(%d) = class %d, beyond %d classes", n, class, numSizeClasses)
		}
		if n > 65536 && 2*capacity > 3*n {
			t.Errorf("sizeClass(%d) capacity %d wastes more than a third", n, capacity)
		}
		if c, ok := capOf[class]; ok && c != capacity {
			t.Errorf("class %d has capacities %d and %d", class, c, capacity)
		}
		capOf[class] = capacity
		// A pooled buffer must land back in the class it came from.
		if back, _ := sizeClass(capacity); back != class {
			t.Errorf("a buffer of capacity %d returns to class %d, not %d", capacity, back, class)
		}
	}
}
