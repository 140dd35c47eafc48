package org.ebsvolume.drivers.drbd;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Ports and minors from the resource files, across restarts (a new allocator over the same directory). */
class DrbdPortAllocatorTest {

    private static final int START = 7789;

    @TempDir
    Path dir;

    private DrbdResourceFiles files() {
        return new DrbdResourceFiles(dir);
    }

    private static String volume(int i) {
        return String.format("volume-%08x-0000-4000-8000-000000000000", i);
    }

    /** Writes the resource's file as the worker would after allocating. */
    private void writeFile(String resource, DrbdSlot slot) throws Exception {
        new DrbdResourceFiles(dir).write(new DrbdResourceConfig(resource, slot.minor(), slot.port(), DrbdProtocol.C, 102400,
                new DrbdHost("nodea", "10.99.0.11", "/dev/ebsvg/" + resource),
                new DrbdHost("nodeb", "10.99.0.12", "/dev/ebsvg/" + resource), Optional.empty()), DrbdDialect.V84);
    }

    @Test
    void firstAllocationTakesTheStartingPortAndTheFirstMinor() throws Exception {
        assertThat(new DrbdPortAllocator(files(), START).allocate(volume(1)))
                .isEqualTo(new DrbdSlot(START, DrbdPortAllocator.DEFAULT_MINOR_BASE));
    }

    @Test
    void allocatingTheSameResourceTwiceReturnsTheSameSlot() throws Exception {
        DrbdPortAllocator allocator = new DrbdPortAllocator(files(), START);
        DrbdSlot first = allocator.allocate(volume(1));
        allocator.allocate(volume(2));
        assertThat(allocator.allocate(volume(1))).isEqualTo(first);
    }

    @Test
    void aRestartedAllocatorSeesTheSlotsInTheFiles() throws Exception {
        DrbdPortAllocator before = new DrbdPortAllocator(files(), START);
        DrbdSlot a = before.allocate(volume(1));
        writeFile(volume(1), a);
        DrbdSlot b = before.allocate(volume(2));
        writeFile(volume(2), b);

        DrbdPortAllocator after = new DrbdPortAllocator(files(), START);
        assertThat(after.allocate(volume(1))).isEqualTo(a);
        assertThat(after.allocate(volume(2))).isEqualTo(b);
        assertThat(after.allocate(volume(3))).isEqualTo(new DrbdSlot(START + 2, DrbdPortAllocator.DEFAULT_MINOR_BASE + 2));
    }

    @Test
    void aSlotHeldButNeverWrittenIsFreeAfterARestart() throws Exception {
        new DrbdPortAllocator(files(), START).allocate(volume(1));
        assertThat(new DrbdPortAllocator(files(), START).allocate(volume(2))).isEqualTo(new DrbdSlot(START, 1000));
    }

    @Test
    void aHeldSlotIsNotGivenToAnotherResourceBeforeItsFileIsWritten() throws Exception {
        DrbdPortAllocator allocator = new DrbdPortAllocator(files(), START);
        assertThat(allocator.allocate(volume(1))).isNotEqualTo(allocator.allocate(volume(2)));
    }

    @Test
    void aDeletedFileFreesItsSlotForTheNextResource() throws Exception {
        DrbdPortAllocator allocator = new DrbdPortAllocator(files(), START);
        for (int i = 1; i <= 3; i++) {
            writeFile(volume(i), allocator.allocate(volume(i)));
        }
        files().delete(volume(2));
        assertThat(allocator.allocate(volume(4))).isEqualTo(new DrbdSlot(START + 1, 1001));
    }

    @Test
    void releaseForgetsASlotWhoseFileWasNeverWritten() throws Exception {
        DrbdPortAllocator allocator = new DrbdPortAllocator(files(), START);
        allocator.allocate(volume(1));
        allocator.release(volume(1));
        assertThat(allocator.allocate(volume(2))).isEqualTo(new DrbdSlot(START, 1000));
    }

    @Test
    void aPortOrMinorUsedByAnyFileIsSkipped() throws Exception {
        // A file (written by hand or an older version) that holds port START but another minor, and one holding minor 1001.
        writeFile(volume(10), new DrbdSlot(START, 1500));
        writeFile(volume(11), new DrbdSlot(START + 500, 1001));
        assertThat(new DrbdPortAllocator(files(), START).allocate(volume(1))).isEqualTo(new DrbdSlot(START + 2, 1002));
    }

    @Test
    void concurrentAllocationsNeverCollide() throws Exception {
        DrbdPortAllocator allocator = new DrbdPortAllocator(files(), START);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<DrbdSlot>> futures = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String resource = volume(i);
                Callable<DrbdSlot> task = () -> {
                    DrbdSlot slot = allocator.allocate(resource);
                    if (resource.hashCode() % 2 == 0) {
                        writeFile(resource, slot);   // some write their file while others allocate
                    }
                    return slot;
                };
                futures.add(pool.submit(task));
            }
            Set<Integer> ports = new HashSet<>();
            Set<Integer> minors = new HashSet<>();
            for (Future<DrbdSlot> f : futures) {
                DrbdSlot s = f.get();
                assertThat(ports.add(s.port())).as("port " + s.port() + " given twice").isTrue();
                assertThat(minors.add(s.minor())).as("minor " + s.minor() + " given twice").isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void allocationFailsWhenAllThousandPortsAreTaken() throws Exception {
        DrbdPortAllocator allocator = new DrbdPortAllocator(files(), START);
        for (int i = 0; i < DrbdPortAllocator.SLOT_COUNT; i++) {
            allocator.allocate(volume(i));
        }
        assertThatThrownBy(() -> allocator.allocate(volume(5000))).isInstanceOf(DrbdPortsExhaustedException.class)
                .hasMessageContaining("7789..8788");
    }

    @Test
    void anUnreadableResourceFileStopsAllocation() throws Exception {
        Files.writeString(dir.resolve("ebs-" + volume(1) + ".res"), "resource \"" + volume(1) + "\" {\n}\n");
        assertThatThrownBy(() -> new DrbdPortAllocator(files(), START).allocate(volume(2)))
                .isInstanceOf(DrbdResourceFileException.class).hasMessageContaining("no device minor line");
    }

    @Test
    void filesOfOtherResourcesInTheDirectoryAreNotOurs() throws Exception {
        Files.writeString(dir.resolve("r0.res"), "resource r0 { this is not ours and not read }\n");
        Files.writeString(dir.resolve("global_common.conf"), "global { usage-count no; }\n");
        assertThat(new DrbdPortAllocator(files(), START).allocate(volume(1))).isEqualTo(new DrbdSlot(START, 1000));
    }

    @Test
    void aMissingDirectoryMeansNothingIsTaken() throws Exception {
        DrbdResourceFiles none = new DrbdResourceFiles(dir.resolve("not-yet"));
        assertThat(new DrbdPortAllocator(none, START).allocate(volume(1))).isEqualTo(new DrbdSlot(START, 1000));
    }

    @Test
    void aPortRangeBeyond65535IsRefused() {
        assertThatThrownBy(() -> new DrbdPortAllocator(files(), 64600)).isInstanceOf(InvalidDrbdConfigException.class);
    }
}
