"""Made-up but plausible Indonesian regional news: the text behind `generate_demo`.

Pure functions over a seeded `random.Random`, no database, so a run is
reproducible and the text costs microseconds per story. A story is 8 to 14
paragraphs of 2 to 4 sentences (about 350 to 700 words), like the site's own.
"""

import io
import random

from PIL import Image, ImageDraw

from ..text import MONTHS

SECTIONS = [
    "Priangan", "Jabar", "Nasional", "Ekonomi", "Olahraga", "Internasional",
    "Gaya Hidup", "Teknologi",
]  # fmt: skip

EDITORS = [
    "Yurri Erfansyah", "Dewi Kartika", "Asep Saepudin", "Rina Marlina", "Budi Santoso",
    "Siti Nurhaliza", "Ujang Kurniawan", "Lina Herlina", "Agus Setiawan", "Nenden Sopiah",
    "Rizal Fadillah", "Euis Komariah", "Dadang Hermawan", "Fitri Handayani", "Iwan Ridwan",
    "Tuti Alawiyah", "Hendra Gunawan", "Wulan Sari", "Deden Mulyana", "Ratna Juwita",
]  # fmt: skip

SOURCES = [
    "Antara", "Reuters", "AFP", "Humas Pemkot Tasikmalaya", "Humas Pemprov Jawa Barat",
    "BMKG", "BPBD Jawa Barat", "Polres Garut", "Kementerian Kesehatan", "BPS Jawa Barat",
    "PSSI", "Bank Indonesia", "PLN UID Jawa Barat", "Dinas Pendidikan Kota Bandung",
    "Kementerian PUPR", "Instagram @humas_jabar",
]  # fmt: skip

PLACES = [
    "Tasikmalaya", "Garut", "Ciamis", "Banjar", "Pangandaran", "Bandung", "Sumedang",
    "Cianjur", "Sukabumi", "Kuningan", "Majalengka", "Cirebon", "Purwakarta", "Subang",
    "Bogor", "Bekasi", "Depok", "Karawang", "Indramayu", "Cimahi",
]  # fmt: skip

SUBJECTS = [
    "Pemerintah Kota {place}", "Pemerintah Kabupaten {place}", "Dinas Kesehatan {place}",
    "Bupati {place}", "Wali Kota {place}", "Kepolisian Resor {place}", "Warga {place}",
    "Ketua DPRD {place}", "BPBD {place}", "Para pedagang Pasar {place}", "Gubernur Jawa Barat",
    "Persib Bandung", "Ratusan petani di {place}", "Dinas Pendidikan {place}",
    "Kepala Desa Sukamaju", "Sejumlah pelajar SMA di {place}", "Pengurus PKK {place}",
    "Tim SAR gabungan", "Kantor Imigrasi {place}", "Para pengemudi ojek daring",
]  # fmt: skip

VERBS = [
    "meresmikan", "mengumumkan", "menyalurkan bantuan untuk", "meninjau langsung",
    "membahas", "menargetkan rampungnya", "menyiapkan", "mengevaluasi", "menolak rencana",
    "meminta warga mewaspadai", "mendukung", "menggelar rapat soal", "memprotes",
    "mempercepat", "menemukan kendala dalam", "mengapresiasi", "menunda",
]  # fmt: skip

OBJECTS = [
    "perbaikan jalan desa", "harga beras di pasar tradisional", "jembatan gantung di Sungai Citanduy",
    "vaksinasi anak sekolah", "pembangunan alun-alun", "program makan bergizi gratis",
    "penertiban pedagang kaki lima", "banjir di kawasan permukiman", "festival budaya Sunda",
    "rekrutmen guru honorer", "kenaikan tarif angkutan kota", "stok pupuk bersubsidi",
    "pengembangan wisata pantai", "jadwal mudik Lebaran", "pemadaman listrik bergilir",
    "penanganan sampah di TPA", "pembukaan lapangan kerja baru", "laga kandang pekan depan",
    "sengketa lahan warga", "revitalisasi pasar rakyat", "layanan kesehatan gratis",
    "penyaluran bantuan sosial", "longsor di jalur selatan", "ujian masuk sekolah",
]  # fmt: skip

TAILS = [
    "pada Senin ({date})", "pada Selasa ({date})", "pada Rabu ({date})", "pada Kamis ({date})",
    "pada Jumat ({date})", "pada Sabtu ({date})", "di Balai Kota", "di Gedung Sate",
    "menjelang musim hujan", "sebagai tindak lanjut rapat koordinasi", "kata dia kepada wartawan",
    "seperti dikutip dari keterangan resminya", "setelah menerima banyak keluhan warga",
    "dengan anggaran miliaran rupiah", "hingga akhir tahun ini", "bersama unsur Forkopimda",
    "meski cuaca kurang mendukung", "demi kenyamanan masyarakat",
]  # fmt: skip

QUOTES = [
    '"Kami berharap masyarakat ikut mengawasi agar program ini tepat sasaran," ujarnya.',
    '"Ini bukan pekerjaan satu atau dua hari, butuh kesabaran semua pihak," katanya.',
    '"Warga tidak perlu panik, petugas sudah disiagakan di lapangan," tuturnya.',
    '"Kalau tidak ada halangan, pekan depan sudah bisa dimanfaatkan," ucapnya.',
    '"Kami akan terus berkoordinasi dengan pemerintah provinsi," ungkapnya.',
]  # fmt: skip

TAGS = sorted(
    {place for place in PLACES}
    | {f"Pemkot {place}" for place in PLACES[:8]}
    | {f"Kabupaten {place}" for place in PLACES}
    | {f"Wisata {place}" for place in PLACES[:10]}
    | {
        "Banjir", "Longsor", "Gempa", "Cuaca", "BMKG", "Persib", "Liga 1", "Timnas",
        "Pilkada", "DPRD", "Bansos", "Harga Beras", "Inflasi", "UMKM", "Pendidikan",
        "Kesehatan", "Vaksin", "Lalu Lintas", "Mudik", "Lebaran", "Ramadan", "Kuliner",
        "Budaya Sunda", "Pertanian", "Pupuk", "Listrik", "PLN", "Sampah", "Lingkungan",
        "Kriminal", "Narkoba", "Korupsi", "Pemilu", "Ukraina", "Rusia", "Teknologi",
        "Startup", "Ekonomi", "Pariwisata", "Infrastruktur", "Jalan Rusak", "Pasar",
    }
)  # fmt: skip


class StoryWriter:
    """Headlines, bodies and captions from a fixed pool of sentences built once."""

    def __init__(self, rng, pool_size=4000):
        self.rng = rng
        self.sentences = [self._sentence() for _ in range(pool_size)]

    def _clause(self):
        place = self.rng.choice(PLACES)
        subject = self.rng.choice(SUBJECTS).format(place=place)
        return subject, f"{subject} {self.rng.choice(VERBS)} {self.rng.choice(OBJECTS)}"

    def _sentence(self):
        if self.rng.random() < 0.15:
            return self.rng.choice(QUOTES)
        date = f"{self.rng.randint(1, 28)}/{self.rng.randint(1, 12)}/{self.rng.randint(2021, 2025)}"
        _, clause = self._clause()
        return f"{clause} {self.rng.choice(TAILS).format(date=date)}."

    def headline(self):
        _, clause = self._clause()
        return clause[:1].upper() + clause[1:]

    def paragraphs(self):
        return [
            " ".join(self.rng.choices(self.sentences, k=self.rng.randint(2, 4)))
            for _ in range(self.rng.randint(8, 14))
        ]

    def caption(self):
        sentence = self.rng.choice(self.sentences)
        return f"{sentence} {self.rng.randint(1, 28)} {self.rng.choice(MONTHS)} 2024."


def demo_photo(rng, width=1200, height=675):
    """A JPEG (bytes) of soft colour bands and shapes: a stand-in for a news photo."""
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    top, bottom = (tuple(rng.randint(30, 220) for _ in range(3)) for _ in range(2))
    for y in range(height):
        mix = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(a + (b - a) * mix) for a, b in zip(top, bottom, strict=True)),
        )
    for _ in range(rng.randint(4, 9)):
        x, y = rng.randint(0, width), rng.randint(0, height)
        size = rng.randint(40, 260)
        colour = tuple(rng.randint(0, 255) for _ in range(3))
        shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
        shape([x, y, x + size, y + size * rng.uniform(0.4, 1.2)], fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


def daily_views(rng, age_days, days):
    """Views per day for a story `age_days` old, over the last `days` days (oldest first).

    Most stories get a few dozen reads a day that fade with age; a few break big.
    """
    peak = int(rng.paretovariate(1.2) * 40)
    return [
        max(0, int(peak / (1 + (age_days - back)) * rng.uniform(0.6, 1.4)))
        for back in range(min(age_days, days - 1), -1, -1)
    ]


def new_rng(seed):
    return random.Random(seed)
