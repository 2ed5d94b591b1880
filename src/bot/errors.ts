/** A refusal meant for the person in the chat: its message is a complete Chinese sentence saying what to do. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UserError";
  }
}

export const INTERNAL_ERROR_TEXT =
  "处理这条消息时出错了，数据没有改动。请稍后再发一次；如果仍然出错，请把这条消息转给管理员。";
