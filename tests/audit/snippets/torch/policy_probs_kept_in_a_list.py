# expect: LM040:34 LM040:55
# Policy gradient in the minimal style: the policy returns softmax probabilities; the rollout keeps
# (reward, probability) pairs in a list, and the update takes log(prob) of each: log of a softmax by hand
# (use log_softmax, or Categorical(logits=...).log_prob). The actor-critic's policy head is a method
# of its own (model.pi), called from the training loop.
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Categorical

gamma = 0.98


class Policy(nn.Module):
    def __init__(self):
        super().__init__()
        self.data = []
        self.fc1 = nn.Linear(4, 128)
        self.fc2 = nn.Linear(128, 2)
        self.optimizer = torch.optim.Adam(self.parameters(), lr=2e-4)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        return F.softmax(self.fc2(x), dim=0)

    def put_data(self, item):
        self.data.append(item)

    def train_net(self):
        ret = 0
        self.optimizer.zero_grad()
        for r, prob in self.data[::-1]:
            ret = r + gamma * ret
            loss = -torch.log(prob) * ret
            loss.backward()
        self.optimizer.step()


class ActorCritic(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 256)
        self.fc_pi = nn.Linear(256, 2)
        self.fc_v = nn.Linear(256, 1)

    def pi(self, x, softmax_dim=1):
        return F.softmax(self.fc_pi(F.relu(self.fc1(x))), dim=softmax_dim)

    def v(self, x):
        return self.fc_v(F.relu(self.fc1(x)))


def update(model, optimizer, states, actions, advantage):
    pi_a = model.pi(states).gather(1, actions).reshape(-1)
    loss = -(torch.log(pi_a) * advantage.detach()).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


def main(env):
    policy = Policy()
    for episode in range(1000):
        s, done = env.reset(), False
        while not done:
            prob = policy(torch.from_numpy(s).float())
            a = Categorical(prob).sample()
            s, r, done, _ = env.step(a.item())
            policy.put_data((r, prob[a]))
        policy.train_net()
    critic = ActorCritic()
    update(critic, torch.optim.Adam(critic.parameters()), states, actions, advantage)


if __name__ == "__main__":
    main(make_env())
