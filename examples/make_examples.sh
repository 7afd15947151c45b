#!/usr/bin/env bash
# Builds the example clips in examples/clips/ from redistributable sources:
#  - genuine speech: Allison Smith's prompts from Debian's asterisk-core-sounds-en-g722
#    (CC-BY-SA-3.0, see examples/CREDITS.md; these prompts are never used for training),
#  - synthetic speech: espeak-ng and flite (both in Debian).
# Needs: apt-get, dpkg-deb, ffmpeg, espeak-ng, flite. Re-running rebuilds the same files.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/clips"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

(cd "$work" && apt-get download asterisk-core-sounds-en-g722 >/dev/null 2>&1 && dpkg-deb -x asterisk-core-sounds-en-g722_*.deb pkg)
allison="$work/pkg/usr/share/asterisk/sounds/en_US_f_Allison"
ff() { ffmpeg -nostdin -loglevel error -y "$@"; }
g722() { ff -f g722 -i "$allison/$1.g722" -ac 1 -ar 16000 "$work/$1.wav"; }

for p in demo-congrats priv-callee-options basic-pbx-ivr-main demo-echotest; do g722 "$p"; done
# Genuine clips, in the formats clips circulate in.
ff -i "$work/demo-congrats.wav" -t 20 -c:a flac "$out/genuine_congrats.flac"
ff -i "$work/priv-callee-options.wav" -c:a libmp3lame -b:a 64k "$out/genuine_options.mp3"
ff -i "$work/basic-pbx-ivr-main.wav" -c:a libopus -b:a 24k "$out/genuine_voicenote.ogg"
# Telephone band: 8 kHz G.711 mu-law.
ff -i "$work/demo-echotest.wav" -ar 8000 -c:a pcm_mulaw "$out/genuine_telephone.wav"

# Synthetic clips.
espeak-ng -v en-us -s 150 -w "$work/espeak.wav" \
  "Good evening. Polling stations will close early tomorrow because of a technical problem. Please vote by phone instead, using the number on your screen."
ff -i "$work/espeak.wav" -ar 16000 -ac 1 "$out/synthetic_espeak.wav"
flite -voice slt -t "This is an official announcement from the election office. The vote has been moved to next Tuesday. Do not go to your polling station this week." -o "$work/flite.wav"
ff -i "$work/flite.wav" -ar 16000 -ac 1 -c:a aac -b:a 64k "$out/synthetic_flite.m4a"

# A genuine recording with one synthetic sentence spliced into the middle.
espeak-ng -v en-gb -s 140 -w "$work/splice.wav" \
  "Your call has been cancelled and your account will be closed today unless you confirm your card number now."
ff -i "$work/splice.wav" -ar 16000 -ac 1 "$work/splice16.wav"
ff -i "$work/demo-congrats.wav" -i "$work/splice16.wav" -i "$work/demo-echotest.wav" \
  -filter_complex "[0:a]atrim=0:12[a];[a][1:a][2:a]concat=n=3:v=0:a=1" -ar 16000 -ac 1 -c:a flac "$out/spliced_genuine_synthetic.flac"

# Too short to judge: half a second of speech.
ff -i "$work/demo-echotest.wav" -t 0.5 "$out/too_short.wav"
ls -l "$out"
