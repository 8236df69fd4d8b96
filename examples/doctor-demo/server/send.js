// Server side: the key is read from the environment, never written here.
const migosmtp = require("migosmtp")(process.env.MIGOSMTP_API_KEY);

module.exports = async function send(to, text) {
  return migosmtp.send({ to, subject: "Your code", text });
};
