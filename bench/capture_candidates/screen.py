"""Screens: a photo of a monitor or a projected slide carries moiré (the screen's pixel grid
sampled by the camera's, beating into ripples) and glare. Candidates: a light Gaussian or
median filter, a notch in the frequency domain (the isolated peaks the pattern makes, cut),
and local contrast normalisation (CLAHE) against glare; `periodic_energy` tells moiré.

Measured, not wired (bench/capture_kinds.py: the 10 slide renders of the dev set shown on a
simulated screen and photographed, read through the service's path, CER against what it reads
on the clean render). No candidate lowers the median CER consistently: the Gaussian (sigma 1)
went 0.147 -> 0.131 with seed 18 but 0.083 -> 0.095 with seed 19 and 0.087 -> 0.100 with seed
20; the wider Gaussian, the median filter, the notch and CLAHE were worse (CLAHE 0.147 ->
0.190). The same photos without the grid (no moiré) read at 0.140, 0.063 and 0.104: moiré
costs this reader little, and the layout found on a busy slide changes more with any filter
than the moiré does. `periodic_energy` leaves out the spectrum's axes (a page's evenly spaced
lines are periodic there) and so is near 0 on every real photo and scan and every clean
slide, but finds only 2 or 3 of the 10 simulated screens: their ripples drift with the
perspective and make no sharp peak. Time on a 12 MP page (two runs, load about 4): the test
0.02 s, Gaussian 0.02-0.05 s, median 0.01 s, CLAHE 0.09-0.19 s, the notch 2.1-5.5 s (complex
FFTs of the whole page: far over the 0.5 s budget whatever it gained).
"""

from __future__ import annotations

import cv2
import numpy as np

SIGMA = 1.0  # px: the Gaussian candidate; a screen pixel is seen about a camera pixel wide
WIDE_SIGMA = 1.6  # px: the same, wider
MEDIAN = 3  # px: the median candidate's aperture
LOW = 0.06  # of the spectrum's half-size: lower frequencies are the text's, never notched
PEAK = 8.0  # times the local level of the spectrum: a grid's peak stands out this much
AXIS = 2  # bins of the spectrum either side of its axes left out (_band)
SPREAD = 15  # px of the spectrum: the window that gives its local level
PROBE = 512  # px: the square, at the image's centre, whose spectrum tells moiré
CLAHE_CLIP = 2.0
CLAHE_TILES = 8
MOIRE = 0.05  # periodic_energy above which a found document is taken for a screen


def descreen_gaussian(pixels: np.ndarray) -> np.ndarray:
    return cv2.GaussianBlur(pixels, (0, 0), SIGMA)


def descreen_wide(pixels: np.ndarray) -> np.ndarray:
    return cv2.GaussianBlur(pixels, (0, 0), WIDE_SIGMA)


def descreen_median(pixels: np.ndarray) -> np.ndarray:
    return cv2.medianBlur(pixels, MEDIAN)


def _grey(pixels: np.ndarray) -> np.ndarray:
    return pixels if pixels.ndim == 2 else cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY)


def _band(shape: tuple[int, int]) -> np.ndarray:
    """The part of a centred spectrum that may hold a screen's pattern: above LOW, and off the
    axes, where the rows and columns of print put their harmonics (a page's lines are evenly
    spaced, so a page of print is periodic there)."""
    height, width = shape
    ys, xs = np.ogrid[:height, :width]
    radius = np.hypot((ys - height // 2) / (height / 2), (xs - width // 2) / (width / 2))
    off_axes = (np.abs(ys - height // 2) > AXIS) & (np.abs(xs - width // 2) > AXIS)
    return (radius > LOW) & off_axes


def _peaks(magnitude: np.ndarray) -> np.ndarray:
    """Where a centred magnitude spectrum has isolated peaks in the band: a pattern's."""
    level = np.log1p(magnitude)
    local = cv2.blur(level, (SPREAD, SPREAD))
    return (level - local > np.log(PEAK)) & _band(magnitude.shape)


def periodic_energy(pixels: np.ndarray) -> float:
    """The share of the spectral energy in the band (_band) that is in isolated peaks, on a
    PROBE square at the centre: high for moiré, low for print."""
    grey = _grey(pixels).astype(np.float32)
    height, width = grey.shape
    top, left = max(0, (height - PROBE) // 2), max(0, (width - PROBE) // 2)
    probe = grey[top : top + PROBE, left : left + PROBE]
    probe = (probe - probe.mean()) * np.outer(
        np.hanning(probe.shape[0]), np.hanning(probe.shape[1])
    ).astype(np.float32)
    magnitude = np.abs(np.fft.fftshift(np.fft.fft2(probe)))
    energy = magnitude**2
    band = energy[_band(magnitude.shape)].sum()
    return float(energy[_peaks(magnitude)].sum() / max(band, 1e-9))


def descreen_notch(pixels: np.ndarray) -> np.ndarray:
    """The grid's peaks cut from the grey's spectrum; what they made is taken from every
    channel, so the colours stay."""
    grey = _grey(pixels).astype(np.float32)
    spectrum = np.fft.fftshift(np.fft.fft2(grey))
    magnitude = np.abs(spectrum)
    peaks = cv2.dilate(_peaks(magnitude).astype(np.uint8), np.ones((5, 5), np.uint8))
    pattern = np.real(np.fft.ifft2(np.fft.ifftshift(spectrum * peaks))).astype(np.float32)
    if pixels.ndim == 3:
        pattern = pattern[:, :, None]
    return np.clip(pixels.astype(np.float32) - pattern, 0, 255).astype(np.uint8)


def even_glare(pixels: np.ndarray) -> np.ndarray:
    """Local contrast normalised (CLAHE on the lightness), so print under a glare blob is as
    contrasted as elsewhere."""
    clahe = cv2.createCLAHE(clipLimit=CLAHE_CLIP, tileGridSize=(CLAHE_TILES, CLAHE_TILES))
    if pixels.ndim == 2:
        return clahe.apply(pixels)
    lab = cv2.cvtColor(pixels, cv2.COLOR_RGB2LAB)
    lab[:, :, 0] = clahe.apply(lab[:, :, 0])
    return cv2.cvtColor(lab, cv2.COLOR_LAB2RGB)


def looks_like_screen(pixels: np.ndarray) -> bool:
    """Whether a found document carries a screen's periodic pattern (moiré, its grid)."""
    return periodic_energy(pixels) >= MOIRE
