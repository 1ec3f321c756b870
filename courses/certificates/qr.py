"""The certificate's QR code modules: the symbol `segno.make(content, error="m", micro=False,
mask=2)` makes, module for module, without segno's bit-by-bit pure Python encoder.

Encoding was about a third of a certificate's rendering time. Everything that depends only on
the symbol's version and error level (function patterns, format and version information, the
data mask, the order in which message bits are placed) is laid out once per process; a
certificate then costs its message bits, Reed–Solomon on integers and one scatter of the bits
into the grid, done in C by `itemgetter`. Addresses are encoded in byte mode, as segno does for
any text with lower-case letters; the rare content segno encodes in another mode (all digits,
upper-case only, Kanji) or another character set is left to segno itself.
"""

from functools import cache
from itertools import zip_longest
from operator import itemgetter

import segno
from segno import consts
from segno.encoder import (
    add_alignment_patterns,
    add_finder_patterns,
    add_format_info,
    add_version_info,
    find_mode,
    get_data_mask_functions,
    make_matrix,
    version_range,
)

MASK = 2  # any mask gives a valid symbol; a fixed one skips segno's scoring of all eight
_LEVELS = (consts.ERROR_LEVEL_L, consts.ERROR_LEVEL_M, consts.ERROR_LEVEL_Q, consts.ERROR_LEVEL_H)
_PAD_CODEWORDS = bytes((0xEC, 0x11))
_BITS = bytes.maketrans(b"01", b"\x00\x01")


def qr_modules(content: str) -> tuple[int, bytes]:
    """(width, modules): the symbol's modules row by row, 1 for dark, each row followed by one
    light separator module, so a run of dark modules never continues onto the next row."""
    try:
        data = content.encode(consts.DEFAULT_BYTE_ENCODING)
    except UnicodeError:
        data = None
    if data is None or find_mode(data) != consts.MODE_BYTE:
        return _from_segno(content)
    version, error = _version_and_error(len(data))
    codewords = _data_codewords(data, version, error)
    grid = _grid(version, error)
    message = _final_message(codewords, version, error)
    bits = format(int.from_bytes(message, "big"), f"0{len(message) * 8}b").encode()
    # Every module picks its message bit (the remainder bits and the rest are light); the layout
    # adds function patterns and the mask.
    placed = bytes(grid.gather(bits.translate(_BITS).ljust(grid.bit_count + 1, b"\0")))
    modules = int.from_bytes(placed, "big") ^ grid.layout
    return grid.width, modules.to_bytes(len(placed), "big")


def qr_rows(content: str) -> list[bytes]:
    """The symbol's rows without the separators, comparable with segno's `matrix`."""
    width, modules = qr_modules(content)
    return [modules[start : start + width] for start in range(0, len(modules), width + 1)]


def _from_segno(content: str) -> tuple[int, bytes]:
    matrix = segno.make(content, error="m", micro=False, mask=MASK).matrix
    return len(matrix), b"".join(bytes(row) + b"\0" for row in matrix)


def _version_and_error(length: int) -> tuple[int, int]:
    """The smallest version that holds `length` bytes at level M, and the highest level that
    version still holds them at: segno's `find_version` and `boost_error_level`."""
    for version in range(1, 41):
        bits = 4 + consts.CHAR_COUNT_INDICATOR_LENGTH[consts.MODE_BYTE][version_range(version)]
        bits += 8 * length
        if consts.SYMBOL_CAPACITY[version][consts.ERROR_LEVEL_M] >= bits:
            break
    else:
        raise segno.DataOverflowError("Data too large. No QR Code can handle the provided data")
    error = consts.ERROR_LEVEL_M
    for level in _LEVELS[_LEVELS.index(error) + 1 :]:
        if consts.SYMBOL_CAPACITY[version][level] < bits:
            break
        error = level
    return version, error


def _data_codewords(data: bytes, version: int, error: int) -> bytes:
    """Mode, count, data, terminator and padding, as segno writes them (which pads a stream
    that ends on a byte boundary with a whole zero byte before the pad codewords)."""
    count_bits = consts.CHAR_COUNT_INDICATOR_LENGTH[consts.MODE_BYTE][version_range(version)]
    capacity = consts.SYMBOL_CAPACITY[version][error]
    length = 4 + count_bits + 8 * len(data)
    stream = (consts.MODE_BYTE << count_bits | len(data)) << 8 * len(data)
    stream |= int.from_bytes(data, "big")
    terminator = min(capacity - length, 4)
    length += terminator
    padding = 8 - length % 8
    stream <<= terminator + padding
    length += padding
    prefix = stream.to_bytes(length // 8, "big")
    pads = (_PAD_CODEWORDS * (capacity // 16 + 1))[: max(0, capacity // 8 - length // 8)]
    return (prefix + pads)[: capacity // 8]


def _final_message(codewords: bytes, version: int, error: int) -> bytes:
    """Data blocks and their error correction blocks, interleaved codeword by codeword."""
    data_blocks, error_blocks, start = [], [], 0
    for ec_info in consts.ECC[version][error]:
        num_error = ec_info.num_total - ec_info.num_data
        for _ in range(ec_info.num_blocks):
            block = codewords[start : start + ec_info.num_data]
            start += ec_info.num_data
            data_blocks.append(block)
            error_blocks.append(_error_codewords(block, num_error))
    interleaved = bytearray()
    for blocks in (data_blocks, error_blocks):
        for column in zip_longest(*blocks):
            interleaved.extend(value for value in column if value is not None)
    return bytes(interleaved)


def _error_codewords(block: bytes, num_error: int) -> bytes:
    """Reed–Solomon remainder of `block`, the register held in one integer."""
    products = _generator_products(num_error)
    shift, mask = 8 * (num_error - 1), (1 << 8 * num_error) - 1
    remainder = 0
    for value in block:
        remainder = ((remainder << 8) & mask) ^ products[value ^ (remainder >> shift)]
    return remainder.to_bytes(num_error, "big")


@cache
def _generator_products(num_error: int) -> tuple[int, ...]:
    """For every byte value, the generator polynomial times it, as one integer."""
    log, exp = consts.GALIOS_LOG, consts.GALIOS_EXP
    generator = consts.GEN_POLY[num_error]
    products = [0]
    for value in range(1, 256):
        terms = bytes(exp[log[value] + power] for power in generator)
        products.append(int.from_bytes(terms, "big"))
    return tuple(products)


class _Grid:
    """What every symbol of one version and error level shares."""

    def __init__(self, version: int, error: int):
        width = version * 4 + 17
        matrix = make_matrix(width, width)
        add_finder_patterns(matrix, width, width)
        add_alignment_patterns(matrix, width, width)
        order = _placement_order(matrix)
        is_masked = get_data_mask_functions(False)[MASK]
        for i, j in order:
            matrix[i][j] = is_masked(i, j)
        add_format_info(matrix, version, error, MASK)
        add_version_info(matrix, version)
        stride = width + 1
        self.width = width
        self.bit_count = len(order)
        self.layout = int.from_bytes(b"".join(bytes(row) + b"\0" for row in matrix), "big")
        # Module (i, j) takes message bit `source[i * stride + j]`; the rest take the light
        # bit appended after the message.
        light = len(order)
        source = [light] * (width * stride)
        for bit, (i, j) in enumerate(order):
            source[i * stride + j] = bit
        self.gather = itemgetter(*source)


@cache
def _grid(version: int, error: int) -> _Grid:
    return _Grid(version, error)


def _placement_order(matrix) -> list[tuple[int, int]]:
    """The data modules in the order message bits fill them: two-module columns from the
    right, alternately upwards and downwards, skipping the vertical timing pattern."""
    size = len(matrix)
    order = []
    for right in range(size - 1, 0, -2):
        if right <= 6:
            right -= 1
        upwards = (right & 2) == 0
        for vertical in range(size):
            for j in (right, right - 1):
                i = size - 1 - vertical if upwards ^ (j < 6) else vertical
                if matrix[i][j] == 0x2:
                    order.append((i, j))
    return order
