import torch
import torch.nn as nn
import torch.nn.functional as F


class AttentionTagger(nn.Module):
    """Audio-visual event tagger: attends over the frames, then scores each of the 29 events."""

    def __init__(self, audio_dim=128, video_dim=512, hidden=128, events=29):
        super().__init__()
        self.audio = nn.Linear(audio_dim, hidden)
        self.video = nn.Linear(video_dim, hidden)
        self.score = nn.Linear(2 * hidden, events)

    def forward(self, audio, video):
        fused = torch.cat([torch.tanh(self.audio(audio)), torch.tanh(self.video(video))], dim=-1)
        return F.softmax(self.score(fused), dim=-1)
