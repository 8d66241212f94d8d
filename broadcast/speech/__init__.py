"""Speech and audio: text normalisation, TTS engines, uploaded audio."""
