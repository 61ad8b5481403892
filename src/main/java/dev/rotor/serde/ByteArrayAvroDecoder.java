package dev.rotor.serde;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * Avro binary decoding over a byte array that never trusts a length prefix. Avro's own {@code BinaryDecoder} allocates
 * a string or bytes buffer of the declared length before reading it, so five hostile bytes can ask for a 2 GB array;
 * here any length longer than the bytes that remain is a truncation ({@link EOFException}) and no allocation happens.
 * Also knows whether everything was consumed ({@link #isEnd()}), to reject trailing bytes. Negative lengths and
 * over-long varints are malformed ({@link AvroRuntimeException}). One instance per record; not thread-safe.
 */
final class ByteArrayAvroDecoder extends Decoder {
    private final byte[] buf;
    private final int limit;
    private int pos;

    ByteArrayAvroDecoder(final byte[] buf, final int offset, final int limit) {
        this.buf = buf;
        this.pos = offset;
        this.limit = limit;
    }

    /** Whether all bytes were consumed. */
    boolean isEnd() {
        return pos == limit;
    }

    /** Bytes not yet consumed. */
    int remaining() {
        return limit - pos;
    }

    @Override
    public void readNull() {
        // null takes no bytes
    }

    @Override
    public boolean readBoolean() throws IOException {
        final int b = readByte();
        if (b > 1) {
            throw new AvroRuntimeException("boolean byte is neither 0 nor 1");
        }
        return b == 1;
    }

    @Override
    public int readInt() throws IOException {
        int raw = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            final int b = readByte();
            raw |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new AvroRuntimeException("invalid int encoding (more than 5 bytes)");
    }

    @Override
    public long readLong() throws IOException {
        long raw = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            final long b = readByte();
            raw |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new AvroRuntimeException("invalid long encoding (more than 10 bytes)");
    }

    @Override
    public float readFloat() throws IOException {
        require(4);
        final int bits = (buf[pos] & 0xff)
                | (buf[pos + 1] & 0xff) << 8
                | (buf[pos + 2] & 0xff) << 16
                | (buf[pos + 3] & 0xff) << 24;
        pos += 4;
        return Float.intBitsToFloat(bits);
    }

    @Override
    public double readDouble() throws IOException {
        require(8);
        long bits = 0;
        for (int i = 7; i >= 0; i--) {
            bits = bits << 8 | (buf[pos + i] & 0xff);
        }
        pos += 8;
        return Double.longBitsToDouble(bits);
    }

    @Override
    public Utf8 readString(final Utf8 old) throws IOException {
        final int length = readLength();
        final Utf8 result = old != null ? old : new Utf8();
        result.setByteLength(length);
        System.arraycopy(buf, pos, result.getBytes(), 0, length);
        pos += length;
        return result;
    }

    @Override
    public String readString() throws IOException {
        final int length = readLength();
        final String result = new String(buf, pos, length, StandardCharsets.UTF_8);
        pos += length;
        return result;
    }

    @Override
    public void skipString() throws IOException {
        pos += readLength();
    }

    @Override
    public ByteBuffer readBytes(final ByteBuffer old) throws IOException {
        final int length = readLength();
        final byte[] copy = new byte[length];
        System.arraycopy(buf, pos, copy, 0, length);
        pos += length;
        return ByteBuffer.wrap(copy);
    }

    @Override
    public void skipBytes() throws IOException {
        pos += readLength();
    }

    @Override
    public void readFixed(final byte[] bytes, final int start, final int length) throws IOException {
        require(length);
        System.arraycopy(buf, pos, bytes, start, length);
        pos += length;
    }

    @Override
    public void skipFixed(final int length) throws IOException {
        require(length);
        pos += length;
    }

    @Override
    public int readEnum() throws IOException {
        return readInt();
    }

    @Override
    public long readArrayStart() throws IOException {
        return readBlockCount();
    }

    @Override
    public long arrayNext() throws IOException {
        return readBlockCount();
    }

    @Override
    public long skipArray() throws IOException {
        return skipSizedBlocks();
    }

    @Override
    public long readMapStart() throws IOException {
        return readBlockCount();
    }

    @Override
    public long mapNext() throws IOException {
        return readBlockCount();
    }

    @Override
    public long skipMap() throws IOException {
        return skipSizedBlocks();
    }

    @Override
    public int readIndex() throws IOException {
        return readInt();
    }

    /** Item count of the next array/map block; a negative count is followed by the block's byte size. */
    private long readBlockCount() throws IOException {
        final long count = readLong();
        if (count >= 0) {
            return count;
        }
        readLong();
        if (count == Long.MIN_VALUE) {
            throw new AvroRuntimeException("invalid block count");
        }
        return -count;
    }

    /** Skips blocks that carry their byte size; returns the item count of the first block that does not (or 0). */
    private long skipSizedBlocks() throws IOException {
        long count = readLong();
        while (count < 0) {
            final long size = readLong();
            if (size < 0) {
                throw new AvroRuntimeException("negative block size");
            }
            if (size > remaining()) {
                throw new EOFException();
            }
            pos += (int) size;
            count = readLong();
        }
        return count;
    }

    /** A string/bytes length prefix, checked against what remains before anything is allocated. */
    private int readLength() throws IOException {
        final long length = readLong();
        if (length < 0) {
            throw new AvroRuntimeException("negative length");
        }
        if (length > remaining()) {
            throw new EOFException();
        }
        return (int) length;
    }

    private int readByte() throws IOException {
        if (pos >= limit) {
            throw new EOFException();
        }
        return buf[pos++] & 0xff;
    }

    private void require(final int n) throws IOException {
        if (n < 0) {
            throw new AvroRuntimeException("negative length");
        }
        if (n > remaining()) {
            throw new EOFException();
        }
    }
}
