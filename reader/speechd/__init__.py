"""The system voice: kokoro-reader as a speech-dispatcher output module (sd_kokoro), so
Orca, spd-say and every speech-dispatcher client can speak with Kokoro."""
